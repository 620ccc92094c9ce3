#!/usr/bin/env node
/** The `tincan` executable (see main.ts). */
import { main } from '../main.js';

await main();
