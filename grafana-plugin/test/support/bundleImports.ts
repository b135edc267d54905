// What a built plugin (dist/) takes from Grafana, read from the shipped files themselves: the module names of
// module.js's AMD `define`, and which exports of each the code reads. webpack's AMD output (library type `amd`)
// passes each external as a `define` parameter and wraps it in a module `id(m){m.exports=param}`; code reads it as
// `var r=n(id)` then `r.name` or `(0,r.name)(...)`, or through the default-interop getter `n.n(r)`. Minified names
// repeat across scopes, so the bindings are resolved with eslint-scope rather than by name.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { analyze } from 'eslint-scope';
import type { Scope } from 'eslint';
import type * as ESTree from 'estree';

/** One read of an export of a shared module. */
export interface ExportRead {
  readonly name: string;
  readonly file: string;
  /** Read only to test it or under a `typeof module.name` check (feature detection), so a missing one is fine. */
  readonly featureDetected: boolean;
}

/** What the bundle asks of its host. */
export interface BundleImports {
  /** The module names of module.js's `define`, in order. */
  readonly requested: readonly string[];
  /** Per requested module, every named read of it in every file. */
  readonly reads: ReadonlyMap<string, readonly ExportRead[]>;
  /** Per requested module, the files that use it whole (pass it on, make a namespace of it): no names to check. */
  readonly wholeUses: ReadonlyMap<string, readonly string[]>;
  /** Files other than module.js that are not a plain webpack chunk (one `push` of modules), so may load more. */
  readonly foreignFiles: readonly string[];
}

type Node = ESTree.Node;

function parseScript(source: string): ESTree.Program {
  // acorn's tree is ESTree; eslint-scope needs the ranges.
  return parse(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    ranges: true,
  }) as unknown as ESTree.Program;
}

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Every node's parent. */
function parentsOf(root: Node): Map<Node, Node> {
  const parents = new Map<Node, Node>();
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isNode(child)) {
          parents.set(child, node);
          stack.push(child);
        }
      }
    }
  }
  return parents;
}

/** `define([names], factory)` at the top of module.js, and the module ids that stand for each name. */
function readDefine(program: ESTree.Program): { requested: string[]; externalIds: Map<string, string> } {
  const first = program.body[0];
  const call = first?.type === 'ExpressionStatement' ? first.expression : undefined;
  if (call?.type !== 'CallExpression' || call.callee.type !== 'Identifier' || call.callee.name !== 'define')
    throw new Error('module.js does not start with an AMD define(...)');
  const [deps, factory] = call.arguments;
  if (
    deps?.type !== 'ArrayExpression' ||
    !(factory?.type === 'ArrowFunctionExpression' || factory?.type === 'FunctionExpression')
  )
    throw new Error('define(...) has no dependency list and factory');
  const requested = deps.elements.map((e) => (e?.type === 'Literal' ? String(e.value) : '?'));
  const params = factory.params.map((p) => (p.type === 'Identifier' ? p.name : ''));
  const externalIds = new Map<string, string>();
  for (const node of parentsOf(factory).keys()) {
    // `id(m){m.exports=param}`: the module webpack makes of an external.
    if (node.type !== 'Property' || node.value.type !== 'FunctionExpression') continue;
    const body = node.value.body.body;
    const statement = body.length === 1 ? body[0] : undefined;
    if (statement?.type !== 'ExpressionStatement' || statement.expression.type !== 'AssignmentExpression')
      continue;
    const { left, right } = statement.expression;
    if (left.type !== 'MemberExpression' || right.type !== 'Identifier') continue;
    const index = params.indexOf(right.name);
    const key =
      node.key.type === 'Literal'
        ? String(node.key.value)
        : node.key.type === 'Identifier'
          ? node.key.name
          : '';
    if (index >= 0 && key) externalIds.set(key, requested[index]!);
  }
  return { requested, externalIds };
}

/** The external a `require(id)` call stands for, if it is one. */
function requiredExternal(
  init: Node | null | undefined,
  externalIds: Map<string, string>
): string | undefined {
  if (init?.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.arguments.length !== 1)
    return undefined;
  const [arg] = init.arguments;
  return arg?.type === 'Literal' && typeof arg.value === 'number'
    ? externalIds.get(String(arg.value))
    : undefined;
}

/** The property a member expression reads, when it is written out. */
function propertyName(member: ESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed && member.property.type === 'Literal' && typeof member.property.value === 'string')
    return member.property.value;
  return undefined;
}

/** Whether `node` contains `typeof v.name` for one of the given identifiers. */
function probes(node: Node, identifiers: ReadonlySet<Node>, name: string): boolean {
  for (const candidate of [node, ...parentsOf(node).keys()]) {
    if (candidate.type !== 'UnaryExpression' || candidate.operator !== 'typeof') continue;
    const arg = candidate.argument;
    if (arg.type === 'MemberExpression' && identifiers.has(arg.object) && propertyName(arg) === name)
      return true;
  }
  return false;
}

/** Whether a read is a feature test, or sits where only a passed feature test lets it run. */
function isFeatureDetected(
  member: ESTree.MemberExpression,
  name: string,
  identifiers: ReadonlySet<Node>,
  parents: Map<Node, Node>
): boolean {
  const parent = parents.get(member);
  if (parent?.type === 'UnaryExpression' && parent.operator === 'typeof') return true;
  let child: Node = member;
  for (let up = parents.get(member); up; child = up, up = parents.get(up)) {
    const guard =
      (up.type === 'ConditionalExpression' || up.type === 'IfStatement') && child === up.consequent
        ? up.test
        : up.type === 'LogicalExpression' && up.operator === '&&' && child === up.right
          ? up.left
          : undefined;
    if (guard && probes(guard, identifiers, name)) return true;
  }
  return false;
}

/** Notes every use of an external in `program`, one file of the bundle. */
function readFile(
  file: string,
  program: ESTree.Program,
  externalIds: Map<string, string>,
  reads: Map<string, ExportRead[]>,
  wholeUses: Map<string, string[]>
): void {
  const parents = parentsOf(program);
  const scopes: Scope.ScopeManager = analyze(program, { ecmaVersion: 2022, sourceType: 'script' });
  const noteRead = (module: string, read: ExportRead): void => {
    reads.set(module, [...(reads.get(module) ?? []), read]);
  };
  const noteWhole = (module: string): void => {
    wholeUses.set(module, [...(wholeUses.get(module) ?? []), file]);
  };

  for (const scope of scopes.scopes) {
    for (const variable of scope.variables) {
      const def = variable.defs[0];
      if (def?.type !== 'Variable' || def.node.type !== 'VariableDeclarator') continue;
      const module = requiredExternal(def.node.init, externalIds);
      if (!module) continue;
      const identifiers = new Set<Node>(variable.references.map((r) => r.identifier as Node));
      for (const reference of variable.references) {
        if (reference.init) continue;
        const id = reference.identifier as Node;
        const parent = parents.get(id);
        if (parent?.type === 'MemberExpression' && parent.object === id) {
          const name = propertyName(parent);
          if (name === undefined) noteWhole(module);
          else
            noteRead(module, {
              name,
              file,
              featureDetected: isFeatureDetected(parent, name, identifiers, parents),
            });
        } else if (
          // `n.n(r)`: webpack's default-interop getter; `getter().name` reads the module (or its default).
          parent?.type === 'CallExpression' &&
          parent.callee.type === 'MemberExpression' &&
          propertyName(parent.callee) === 'n' &&
          parent.arguments[0] === id
        ) {
          readInterop(parent, module);
        } else noteWhole(module);
      }
    }
  }

  function readInterop(getterCall: Node, module: string): void {
    const declarator = parents.get(getterCall);
    if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier') {
      noteWhole(module);
      return;
    }
    const getter = scopes
      .getDeclaredVariables(declarator)
      .find((v) => v.name === (declarator.id as ESTree.Identifier).name);
    for (const reference of getter?.references ?? []) {
      if (reference.init) continue;
      const call = parents.get(reference.identifier as Node);
      const member = call && parents.get(call);
      const name =
        member?.type === 'MemberExpression' && member.object === call ? propertyName(member) : undefined;
      if (call?.type === 'CallExpression' && name !== undefined)
        noteRead(module, { name, file, featureDetected: false });
      else noteWhole(module);
    }
  }
}

/** A webpack chunk is one `(self.webpackChunk... ||= []).push([[ids], {modules}])`, after "use strict". */
function isPlainChunk(program: ESTree.Program): boolean {
  const statements = program.body.filter((s) => !('directive' in s && s.directive));
  const only = statements.length === 1 ? statements[0] : undefined;
  if (only?.type !== 'ExpressionStatement' || only.expression.type !== 'CallExpression') return false;
  const callee = only.expression.callee;
  return callee.type === 'MemberExpression' && propertyName(callee) === 'push';
}

/** Reads what the bundle in `dist` takes from its host. */
export function readBundleImports(dist: string): BundleImports {
  const { requested, externalIds } = readDefine(parseScript(readFileSync(join(dist, 'module.js'), 'utf8')));
  const reads = new Map<string, ExportRead[]>();
  const wholeUses = new Map<string, string[]>();
  const foreignFiles: string[] = [];
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
    const program = parseScript(readFileSync(join(dist, file), 'utf8'));
    if (file !== 'module.js' && !isPlainChunk(program)) foreignFiles.push(file);
    readFile(file, program, externalIds, reads, wholeUses);
  }
  return { requested, reads, wholeUses, foreignFiles };
}
