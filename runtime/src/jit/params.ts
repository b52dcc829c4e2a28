/**
 * Parameter names of a JS function, read from its source text when the transformer has not
 * injected them. Handles `function f(a, b = g(1, 2), ...rest)`, arrows (`x => …`, `(x, y) => …`),
 * methods, async/generator prefixes, default values containing brackets, strings, template
 * literals and comments. Destructured parameters have no name and get `arg<i>`.
 */

export interface ParamInfo {
  readonly name: string;
  readonly rest: boolean;
  readonly hasDefault: boolean;
  /** False for destructuring patterns (`{ a, b }`), which get a positional name. */
  readonly named: boolean;
}

export function parseParams(fn: Function): ParamInfo[] {
  const src = Function.prototype.toString.call(fn);
  if (/^\s*class\b/.test(src)) throw new Error('a class is not a function');
  if (src.includes('[native code]')) return Array.from({ length: fn.length }, (_, i) => ({ name: `arg${i}`, rest: false, hasDefault: false, named: false }));
  const list = paramListText(src);
  return splitTopLevel(list).map((p, i) => describe(p, i)).filter((p): p is ParamInfo => p !== undefined);
}

/** The text between the parameter parentheses (or the single arrow parameter). */
function paramListText(src: string): string {
  let i = 0;
  const s = stripComments(src);
  // arrow with a single bare parameter: `async x => …` / `x => …`
  const bare = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(s);
  if (bare && !/^\s*async\s*=>/.test(s)) return bare[1];
  i = s.indexOf('(');
  if (i < 0) return '';
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') { j = skipString(s, j); continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return s.slice(i + 1, j);
    }
  }
  return s.slice(i + 1);
}

function stripComments(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      const j = skipString(s, i);
      out += s.slice(i, j + 1);
      i = j;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      i = s.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
      out += ' ';
    } else out += c;
  }
  return out;
}

/** Index of the closing quote of the string starting at `i`. */
function skipString(s: string, i: number): number {
  const q = s[i];
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (q === '`' && s[j] === '$' && s[j + 1] === '{') {
      let depth = 0;
      for (let k = j + 1; k < s.length; k++) {
        if (s[k] === '{') depth++;
        else if (s[k] === '}' && --depth === 0) { j = k; break; }
      }
      continue;
    }
    if (s[j] === q) return j;
  }
  return s.length - 1;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"' || c === "'" || c === '`') { i = skipString(list, i); continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) { parts.push(list.slice(start, i)); start = i + 1; }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function describe(p: string, i: number): ParamInfo | undefined {
  const rest = p.startsWith('...');
  const body = rest ? p.slice(3).trim() : p;
  const eq = topLevelEquals(body);
  const target = (eq < 0 ? body : body.slice(0, eq)).trim();
  const m = /^([A-Za-z_$][\w$]*)/.exec(target);
  const named = !!m && m[1].length === target.length;
  return { name: named ? m![1] : `arg${i}`, rest, hasDefault: eq >= 0, named };
}

function topLevelEquals(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') { i = skipString(s, i); continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '=' && depth === 0 && s[i + 1] !== '>' && s[i + 1] !== '=') return i;
  }
  return -1;
}
