/** An answer of the dashboard's JSON API: an HTTP status and a JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}
