/**
 * The floors of the repository: a file imports only from its own floor or below, and no files
 * import each other in a circle.
 *
 *   core < tf < compress < sim < perception < synth < augment < policy < robot < viewer
 *
 * Above the floors sit cli/, bench/, scripts/, test/ and bin/: they may import anything, but no
 * floor imports them. robot/ is imported only by cli/, viewer/, test/ and bench/ (and itself).
 *
 * Every .ts, .js and .mjs file in those folders is read, page scripts included (a page script
 * importing another page by relative path, or by a server path such as /sim/render/page/x.js,
 * counts). Type-only imports count too: a circle of types is still a circle in the design.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The stage floors, lowest first. */
export const FLOORS = ['core', 'tf', 'compress', 'sim', 'perception', 'synth', 'augment', 'policy', 'robot', 'viewer'] as const;
/** Folders above every floor: they may import anything; floors never import them. */
export const TOP = ['cli', 'bench', 'scripts', 'test', 'bin'] as const;
/** The only folders that may import robot/ (besides robot/ itself). */
const ROBOT_USERS = new Set(['cli', 'viewer', 'test', 'bench']);

const SOURCE = /\.(ts|mts|js|mjs)$/;

/** An import of one repository file by another, paths relative to the root with '/'. */
export interface ImportEdge {
  from: string;
  to: string;
  /** The specifier as written. */
  spec: string;
}

/**
 * The module specifiers of a JS/TS source: `import … from 'x'`, `export … from 'x'`,
 * `import 'x'` and `import('x')` with a literal. Comments, strings, template literals and regex
 * literals are skipped properly, so an import inside a comment or a string does not count.
 */
export function moduleSpecifiers(src: string): string[] {
  const specs: string[] = [];
  // The code read so far with comments and literals left out (a literal becomes a '"' mark),
  // enough to see what a string literal follows.
  let code = '';
  let i = 0;
  const n = src.length;
  // Brace depths at which an open template literal resumes after a `${ … }`.
  const templateResume: number[] = [];
  let depth = 0;

  const readString = (quote: string): string => {
    let s = '';
    i++;
    while (i < n && src[i] !== quote) {
      if (src[i] === '\\') {
        s += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (src[i] === '\n') break; // unterminated: stop at the line's end
      s += src[i++];
    }
    i++;
    return s;
  };
  /** Skip template text up to its end or the next `${`; true when it stopped at `${`. */
  const skipTemplateText = (): boolean => {
    while (i < n) {
      const c = src[i];
      if (c === '\\') {
        i += 2;
      } else if (c === '`') {
        i++;
        return false;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        return true;
      } else i++;
    }
    return false;
  };
  const regexAllowed = (): boolean => {
    const t = code.trimEnd();
    if (t === '') return true;
    const last = t[t.length - 1];
    if (/[\w$]/.test(last)) {
      const word = /[\w$]+$/.exec(t)![0];
      return /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(word);
    }
    return !/[)\]}"]/.test(last);
  };

  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      code += ' ';
    } else if (c === '"' || c === "'") {
      const s = readString(c);
      const before = code.trimEnd();
      if (/(^|[^\w$.])(from|import)$/.test(before) || /(^|[^\w$.])import\s*\($/.test(before)) specs.push(s);
      code += '"';
    } else if (c === '`') {
      i++;
      if (skipTemplateText()) templateResume.push(depth);
      code += '"';
    } else if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n && src[i] !== '\n') {
        const r = src[i];
        if (r === '\\') i++;
        else if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/.test(src[i])) i++;
      code += '"';
    } else if (c === '{') {
      depth++;
      code += c;
      i++;
    } else if (c === '}') {
      if (templateResume.length && templateResume[templateResume.length - 1] === depth) {
        templateResume.pop();
        i++;
        if (skipTemplateText()) templateResume.push(depth);
        code += '"';
      } else {
        depth--;
        code += c;
        i++;
      }
    } else {
      code += c;
      i++;
    }
    // Only the tail of `code` is ever looked at.
    if (code.length > 4096) code = code.slice(-256);
  }
  return specs;
}

function listSources(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return; // a floor that does not exist yet
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const rel = posix.join(dir, e.name);
    if (e.isDirectory()) listSources(root, rel, out);
    else if (e.isFile() && SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
}

/** Every import between repository files under the floors and the top folders. */
export function importGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const files: string[] = [];
  for (const d of [...FLOORS, ...TOP]) listSources(root, d, files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const src = readFileSync(join(root, from), 'utf8');
    for (const spec of moduleSpecifiers(src)) {
      let to: string;
      if (spec.startsWith('./') || spec.startsWith('../')) to = posix.normalize(posix.join(posix.dirname(from), spec));
      // A page's server path: the static server mounts the project at '/'.
      else if (spec.startsWith('/') && !spec.startsWith('/node_modules/')) to = posix.normalize(spec.slice(1));
      else continue; // a package or node: built-in
      if (to.startsWith('../')) continue; // outside the repository
      edges.push({ from, to, spec });
    }
  }
  return { files, edges };
}

const folderOf = (path: string): string => path.split('/')[0];
const floorOf = (path: string): number => (FLOORS as readonly string[]).indexOf(folderOf(path));
const isTop = (path: string): boolean => (TOP as readonly string[]).includes(folderOf(path));

/** Imports that break the floor rules, one line each: `file: imports 'spec' (why)`. */
export function layeringViolations(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    const say = (why: string): void => {
      out.push(`${e.from}: imports '${e.spec}' (${why})`);
    };
    if (a === b) {
      // A stage's index.ts is its face to the others; its own files import each other directly.
      if (floorOf(e.from) >= 0 && e.to === `${a}/index.ts`) say(`${a}/index.ts is for other folders; ${a}/ files import each other directly`);
      continue;
    }
    if (b === 'robot' && !ROBOT_USERS.has(a)) {
      say(`only ${[...ROBOT_USERS].join('/, ')}/ import robot/`);
      continue;
    }
    if (isTop(e.from)) continue;
    if (isTop(e.to)) {
      say(`${a}/ is a stage; nothing in a stage imports ${b}/`);
      continue;
    }
    const fa = floorOf(e.from);
    const fb = floorOf(e.to);
    if (fb < 0) say(`${b}/ is not a floor`);
    else if (fb > fa) say(`${b}/ is a floor above ${a}/`);
  }
  return out.sort();
}

/** Every import circle between files (one per strongly connected group), as `a → b → … → a`. */
export function importCycles(files: string[], edges: ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const f of files) next.set(f, []);
  for (const e of edges) if (next.has(e.to) && e.to !== e.from) next.get(e.from)!.push(e.to);
  for (const list of next.values()) list.sort();

  // Tarjan's strongly connected components, iterative.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; child: number }> = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const children = next.get(top.node)!;
      if (top.child < children.length) {
        const w = children[top.child++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, child: 0 });
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== top.node);
        if (group.length > 1) groups.push(group);
      }
    }
  }

  // For each group, one concrete circle: the shortest path back to its first file.
  return groups.map((group) => {
    const inGroup = new Set(group);
    const first = [...group].sort()[0];
    const prev = new Map<string, string>();
    const queue = [first];
    let found: string | undefined;
    while (queue.length && found === undefined) {
      const v = queue.shift()!;
      for (const w of next.get(v)!) {
        if (!inGroup.has(w)) continue;
        if (w === first) {
          found = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [first];
    for (let v = found!; v !== first; v = prev.get(v)!) path.splice(1, 0, v);
    path.push(first);
    const more = group.length > path.length - 1 ? ` (${group.length} files in the circle group)` : '';
    return path.join(' → ') + more;
  });
}

describe('layering', () => {
  const { files, edges } = importGraph(ROOT);

  it('reads the stage folders', () => {
    expect(files).toContain('core/index.ts');
    expect(files).toContain('sim/render/page/scene-view.js');
    expect(edges.some((e) => e.from === 'synth/page/synth-page.js' && e.to === 'sim/render/page/scene-view.js')).toBe(true);
  });

  it('no file imports from a floor above its own, from cli/, bench/, scripts/, test/, or its own stage\'s index.ts', () => {
    expect(layeringViolations(edges)).toEqual([]);
  });

  it('no import circles between files', () => {
    expect(importCycles(files, edges)).toEqual([]);
  });
});

describe('the layering check itself', () => {
  it('reads imports in code, not in comments or strings', () => {
    const src = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "export * from './c.ts';",
      "export { d, type D } from './d.ts';",
      "import './e.js';",
      "const f = await import('./f.ts');",
      '// import { x } from "./comment.ts";',
      '/* import "./block.ts"; */',
      "const s = \"import './string.ts'\";",
      "const t = `${x} from './template.ts' ${`import('./nested.ts')`}`;",
      "const r = /from '.\\/regex.ts'/g;",
      "const q = a / b; import { g } from './g.ts';",
      'import {',
      '  h,',
      "} from './h.ts';",
    ].join('\n');
    expect(moduleSpecifiers(src)).toEqual(['./a.ts', '../b/b.ts', './c.ts', './d.ts', './e.js', './f.ts', './g.ts', './h.ts']);
  });

  it('flags an upward import, a stage importing test/, a stranger importing robot/, a stage importing its own index.ts, and a circle', () => {
    const root = mkdtempSync(join(tmpdir(), 'yoto-layering-'));
    try {
      const put = (path: string, body: string): void => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), body);
      };
      put('core/a.ts', "import { p } from '../perception/p.ts';\n");
      put('perception/p.ts', "import { s } from '../sim/s.ts';\nimport { h } from '../test/helper.ts';\nexport const p = 1;\n");
      put('sim/s.ts', "export const s = 1;\nimport { t } from './t.ts';\n");
      put('sim/t.ts', "import { s } from './s.ts';\nexport const t = 2;\n");
      put('augment/x.ts', "import { r } from '../robot/r.ts';\n");
      put('robot/r.ts', "import { s } from '../sim/s.ts';\nexport const r = 1;\n");
      put('cli/c.ts', "import { r } from '../robot/r.ts';\nimport { p } from '../perception/p.ts';\n");
      put('test/helper.ts', "export const h = 1;\n");
      put('synth/page/a.js', "import { S } from '/viewer/page/v.js';\n");
      put('viewer/page/v.js', 'export const S = 1;\n');
      put('sim/index.ts', "export { s } from './s.ts';\n");
      put('sim/u.ts', "import { s } from './index.ts';\n");
      const g = importGraph(root);
      expect(layeringViolations(g.edges)).toEqual([
        "augment/x.ts: imports '../robot/r.ts' (only cli/, viewer/, test/, bench/ import robot/)",
        "core/a.ts: imports '../perception/p.ts' (perception/ is a floor above core/)",
        "perception/p.ts: imports '../test/helper.ts' (perception/ is a stage; nothing in a stage imports test/)",
        "sim/u.ts: imports './index.ts' (sim/index.ts is for other folders; sim/ files import each other directly)",
        "synth/page/a.js: imports '/viewer/page/v.js' (viewer/ is a floor above synth/)",
      ]);
      expect(importCycles(g.files, g.edges)).toEqual(['sim/s.ts → sim/t.ts → sim/s.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
