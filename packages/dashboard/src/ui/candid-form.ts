/**
 * Form controls generated from Candid types: records and tuples as fieldsets, variants as a
 * tag select with the chosen case's control, options as a checkbox with the inner control,
 * vectors as a list with add and remove, principals and text as text inputs, numbers as text
 * parsed at submit (so nat and int keep full precision), booleans as checkboxes. Each control's
 * `value()` reads the typed value for `IDL.encode`, or throws a message for the user.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { el } from './dom.js';

/** A control for one Candid value. */
export interface Control {
  readonly element: HTMLElement;
  value(): unknown;
}

function input(name: string, placeholder: string): HTMLInputElement {
  return el('input', { name, placeholder, type: 'text' });
}

function integer(text: string, what: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim().replace(/_/g, '')))
    throw new Error(`${what}: "${text}" is not a whole number`);
  return BigInt(text.trim().replace(/_/g, ''));
}

/** Builds the control for `type`; `name` names the inputs (for tests and labels). */
export function controlFor(type: IDL.Type, name: string): Control {
  if (type instanceof IDL.RecClass) {
    const inner = type.getType();
    if (inner === undefined) throw new Error('unresolved recursive type');
    return controlFor(inner, name);
  }
  if (type instanceof IDL.TextClass) {
    const i = input(name, 'text');
    return { element: i, value: () => i.value };
  }
  if (type instanceof IDL.PrincipalClass) {
    const i = input(name, 'principal');
    return {
      element: i,
      value: () => {
        try {
          return Principal.fromText(i.value.trim());
        } catch {
          throw new Error(`${name}: "${i.value}" is not a principal`);
        }
      },
    };
  }
  if (type instanceof IDL.BoolClass) {
    const i = el('input', { name, type: 'checkbox' });
    return { element: i, value: () => i.checked };
  }
  if (type instanceof IDL.NatClass || type instanceof IDL.IntClass) {
    const i = input(name, type.name);
    return {
      element: i,
      value: () => {
        const n = integer(i.value, name);
        if (type instanceof IDL.NatClass && n < 0n)
          throw new Error(`${name}: a nat cannot be negative`);
        return n;
      },
    };
  }
  if (type instanceof IDL.FixedNatClass || type instanceof IDL.FixedIntClass) {
    const i = input(name, type.name);
    return {
      element: i,
      value: () => (type._bits <= 32 ? Number(integer(i.value, name)) : integer(i.value, name)),
    };
  }
  if (type instanceof IDL.FloatClass) {
    const i = input(name, type.name);
    return {
      element: i,
      value: () => {
        const n = Number(i.value);
        if (i.value.trim() === '' || Number.isNaN(n))
          throw new Error(`${name}: "${i.value}" is not a number`);
        return n;
      },
    };
  }
  if (type instanceof IDL.NullClass || type instanceof IDL.ReservedClass)
    return { element: el('span', {}, 'null'), value: () => null };
  if (type instanceof IDL.OptClass) {
    const on = el('input', { name: `${name}?`, type: 'checkbox' });
    const inner = controlFor(type._type as IDL.Type, `${name}.some`);
    inner.element.hidden = true;
    on.addEventListener('change', () => (inner.element.hidden = !on.checked));
    return {
      element: el('span', {}, on, ' ', inner.element),
      value: () => (on.checked ? [inner.value()] : []),
    };
  }
  if (type instanceof IDL.VecClass) {
    const items: Control[] = [];
    const list = el('div');
    const add = el('button', { type: 'button' }, '+ item');
    add.addEventListener('click', () => {
      const item = controlFor(type._type as IDL.Type, `${name}[${items.length}]`);
      const remove = el('button', { type: 'button' }, '−');
      const row = el('div', {}, item.element, remove);
      items.push(item);
      remove.addEventListener('click', () => {
        items.splice(items.indexOf(item), 1);
        row.remove();
      });
      list.append(row);
    });
    const isBytes = type._type instanceof IDL.FixedNatClass && type._type._bits === 8;
    return {
      element: el('fieldset', {}, el('legend', {}, isBytes ? 'blob (bytes)' : 'vec'), list, add),
      value: () => {
        const values = items.map((i) => i.value());
        return isBytes ? new Uint8Array(values as number[]) : values;
      },
    };
  }
  if (type instanceof IDL.TupleClass) {
    const parts = (type as unknown as { _components: IDL.Type[] })._components.map((t, i) =>
      controlFor(t, `${name}.${i}`),
    );
    return {
      element: el('fieldset', {}, el('legend', {}, 'tuple'), ...parts.map((p) => p.element)),
      value: () => parts.map((p) => p.value()),
    };
  }
  if (type instanceof IDL.RecordClass) {
    const fields = type._fields.map(
      ([field, t]) => [field, controlFor(t, `${name}.${field}`)] as const,
    );
    return {
      element: el(
        'fieldset',
        {},
        el('legend', {}, 'record'),
        ...fields.map(([field, c]) => el('label', {}, `${field} `, c.element, el('br'))),
      ),
      value: () => Object.fromEntries(fields.map(([field, c]) => [field, c.value()])),
    };
  }
  if (type instanceof IDL.VariantClass) {
    const cases = type._fields.map(([tag, t]) => [tag, controlFor(t, `${name}.${tag}`)] as const);
    const select = el(
      'select',
      { name: `${name}#` },
      ...cases.map(([tag]) => el('option', { value: tag }, tag)),
    );
    const holder = el('span');
    const show = (): void => {
      const chosen = cases.find(([tag]) => tag === select.value);
      holder.replaceChildren(...(chosen === undefined ? [] : [chosen[1].element]));
    };
    select.addEventListener('change', show);
    show();
    return {
      element: el('fieldset', {}, el('legend', {}, 'variant'), select, ' ', holder),
      value: () => {
        const chosen = cases.find(([tag]) => tag === select.value);
        if (chosen === undefined) throw new Error(`${name}: choose a case`);
        return { [chosen[0]]: chosen[1].value() };
      },
    };
  }
  const unsupported = el('span', {}, `(${type.display()} cannot be entered here)`);
  return {
    element: unsupported,
    value: () => {
      throw new Error(`${name}: ${type.display()} arguments are not supported by the form`);
    },
  };
}
