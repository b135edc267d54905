/**
 * What a Go `text/template` (the language of Grafana's and Prometheus/Loki's alert annotations) reads from its data:
 * each `$variable.field...` and `.Field.field...` in its actions, with `index X "key"` as one more step.
 * Only the subset alert annotations need: `range`, `with`, `define` and `template` change what `.` means and are
 * refused rather than half-understood.
 */
export interface TemplateRef {
  /** `$labels.user_name` → `labels`; undefined for a reference that starts at `.`. */
  readonly variable?: string;
  /** The field chain: `.Labels.user_name` → `['Labels', 'user_name']`. */
  readonly path: readonly string[];
}

const DOT_CHANGING = new Set(['range', 'with', 'define', 'template', 'block']);

/** The actions (`{{ ... }}` bodies, trim markers removed) of a template, in order. */
export function templateActions(template: string): string[] {
  const actions: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open === -1) return actions;
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw new Error(`unclosed action in ${JSON.stringify(template)}`);
    let body = rest.slice(open + 2, close);
    if (body.startsWith('-')) body = body.slice(1);
    if (body.endsWith('-')) body = body.slice(0, -1);
    body = body.trim();
    if (!body.startsWith('/*')) actions.push(body);
    rest = rest.slice(close + 2);
  }
}

/** Every data reference in the template; throws on syntax this check does not follow. */
export function templateRefs(template: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const action of templateActions(template)) {
    const firstWord = /^[a-z]+/.exec(action)?.[0];
    if (firstWord && DOT_CHANGING.has(firstWord))
      throw new Error(`{{ ${action} }}: "${firstWord}" changes "." and is not followed by this check`);
    // String literals first, so that a `.x` or `$x` inside one is not taken for a reference.
    const token =
      /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\$\w*)((?:\.\w+)*)(\s*:?=)?|(?<![\w)\]])((?:\.\w+)+)|\b(index)\b/g;
    // `index X "k"`: X's path gets the key as one more step.
    let indexing: string[] | undefined;
    let afterIndex = false;
    for (const m of action.matchAll(token)) {
      const [, dq, bq, variable, varPath, assigns, fieldPath, index] = m;
      if (index) {
        afterIndex = true;
      } else if (dq !== undefined || bq !== undefined) {
        indexing?.push(dq ?? bq!);
      } else if (variable !== undefined && assigns) {
        // a variable being defined, not read
      } else {
        const path = splitPath(variable !== undefined ? (varPath ?? '') : fieldPath!);
        refs.push(variable !== undefined ? { variable: variable.slice(1), path } : { path });
        if (afterIndex && !indexing) indexing = path;
      }
    }
  }
  return refs;
}

function splitPath(chain: string): string[] {
  return chain.split('.').filter(Boolean);
}

/** Variables the template defines itself (`$x := ...`), which are not data references. */
export function definedVariables(template: string): string[] {
  return templateActions(template).flatMap((a) => [...a.matchAll(/\$(\w+)\s*:=/g)].map((m) => m[1]!));
}
