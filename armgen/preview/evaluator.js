/* armgen's createUiDefinition evaluator, in JavaScript, for the offline wizard preview.
 *
 * A port of armgen/uidef/expressions.py (the expression language), armgen/uidef/evaluator.py (the
 * controls: defaults, `visible`, constraints, outputs) and armgen/uidef/acceptance.py (Resource
 * Manager's parameter checks). The Python modules are the reference; the semantics both follow are
 * written down in docs/createuidefinition-evaluator.md and pinned by tests/uidef/evaluator_cases.json,
 * which tests/preview/ runs through this file in headless Chromium. Keep the two in step: a change to
 * one is a change to the other, with a conformance case.
 *
 * The layout follows the Python modules, function by function, so a reader can hold them side by
 * side. Error messages are the Python ones (the conformance cases match substrings of them), which
 * is why `pyRepr` spells values as Python's repr() does.
 *
 * What the preview adds lives outside the reference semantics and is switched on by the caller:
 * `extraControls` (controls the Python evaluator refuses, e.g. VirtualNetworkCombo, given
 * approximate values by the preview) and `lenient` (a malformed element or an unknown control becomes
 * a placeholder instead of failing the whole document). Without them this file behaves exactly as the
 * Python evaluator.
 *
 * No dependencies, no DOM: it runs in a browser (window.ArmgenUidef) and in Node (module.exports).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.ArmgenUidef = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  // ------------------------------------------------------------------------------------- errors

  /** An expression that cannot be evaluated: bad syntax, an unknown name, a type mismatch. */
  class EvaluationError extends Error {
    constructor(message) {
      super(message);
      this.name = "EvaluationError";
    }
  }

  /** A function the createUiDefinition language does not have. */
  class UnknownFunction extends EvaluationError {
    constructor(message) {
      super(message);
      this.name = "UnknownFunction";
    }
  }

  /** A control type the evaluator does not implement (its value would be a guess). */
  class UnsupportedControl extends Error {
    constructor(message) {
      super(message);
      this.name = "UnsupportedControl";
    }
  }

  /** A document the wizard cannot be built from (Python's ValueError at construction). */
  class DocumentError extends Error {
    constructor(message) {
      super(message);
      this.name = "DocumentError";
    }
  }

  /** A user value no control could produce. */
  class WizardInputError extends Error {
    constructor(message) {
      super(message);
      this.name = "WizardInputError";
    }
  }

  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  // ------------------------------------------------------------------------------------- values

  /** The elements of a step, of Basics or of a Section, as steps('s') returns them. Reading a name
   * that is not an element is an error; values are produced on demand by `lookup`. */
  class View {
    constructor(where, names, lookup) {
      this.where = where;
      this.names = names;
      this.lookup = lookup;
    }

    member(name) {
      if (!this.names.includes(name)) {
        throw new EvaluationError(`${this.where} has no element named ${pyRepr(name)}`);
      }
      return this.lookup(name);
    }

    plain() {
      const out = {};
      for (const n of this.names) out[n] = plain(this.lookup(n));
      return out;
    }
  }

  /** A lambda's value: only filter() and map() take one. */
  class Lambda {
    constructor(fn) {
      this.fn = fn;
    }
  }

  function plain(value) {
    return value instanceof View ? value.plain() : value;
  }

  function isPlainObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof View) && !(v instanceof Lambda);
  }

  function isNum(v) {
    return typeof v === "number";
  }

  function typeName(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return "boolean";
    if (typeof v === "number") return "number";
    if (typeof v === "string") return "string";
    if (Array.isArray(v)) return "array";
    if (v instanceof Lambda) return "lambda";
    if (typeof v === "object") return "object";
    return typeof v;
  }

  /** Python's repr() of a JSON value, for error messages that must read as the reference's do. */
  function pyRepr(v) {
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (typeof v === "number") {
      if (Number.isNaN(v)) return "nan";
      if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
      return String(v);
    }
    if (typeof v === "string") return pyStr(v);
    if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
    if (v instanceof View) return pyRepr(v.plain());
    if (v instanceof Lambda) return "<function lambda>";
    if (typeof v === "object") {
      return "{" + Object.keys(v).map((k) => pyStr(k) + ": " + pyRepr(v[k])).join(", ") + "}";
    }
    return String(v);
  }

  function pyStr(s) {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = quote;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === "\\") out += "\\\\";
      else if (ch === quote) out += "\\" + quote;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += "\\x" + c.toString(16).padStart(2, "0");
      else out += ch;
    }
    return out + quote;
  }

  /** What the referencing functions answer (Python's Scope). */
  class Scope {
    constructor(opts) {
      const o = opts || {};
      this.location = hasOwn(o, "location") ? o.location : "westus";
      this.resourceGroup = hasOwn(o, "resourceGroup") ? o.resourceGroup
        : { name: "rg", location: "westus", mode: "Existing" };
      this.subscription = hasOwn(o, "subscription") ? o.subscription : {
        id: "/subscriptions/00000000-0000-0000-0000-000000000000",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        tenantId: "00000000-0000-0000-0000-000000000000",
        displayName: "subscription",
      };
      this.basics = hasOwn(o, "basics") ? o.basics : null;
      this.steps = hasOwn(o, "steps") ? o.steps : null;
      this.now = hasOwn(o, "now") ? o.now : "2000-01-01T00:00:00.000Z";
      this.guids = hasOwn(o, "guids") ? o.guids : [];
      this.random = hasOwn(o, "random") ? o.random : [];
      /** Values of call nodes that read nothing but this scope, during one wizard run (or null). */
      this.memo = hasOwn(o, "memo") ? o.memo : null;
      this.randomFractions = null;
      this.guidIndex = 0;
      this.randIndex = 0;
    }

    /** A scope from the conformance file's `context` object. */
    static fromJson(doc) {
      const o = {};
      for (const key of ["location", "resourceGroup", "subscription", "basics", "steps", "now", "guids", "random"]) {
        if (hasOwn(doc, key)) o[key] = doc[key];
      }
      return new Scope(o);
    }

    basicsView() {
      const b = this.basics;
      if (typeof b === "function") return b();
      return dictView("basics", b || {});
    }

    stepView(name) {
      const s = this.steps;
      if (typeof s === "function") return s(name);
      const steps = s || {};
      if (!hasOwn(steps, name)) throw new EvaluationError(`there is no step named ${pyRepr(name)}`);
      return dictView(`step ${pyRepr(name)}`, steps[name]);
    }

    nextGuid() {
      let g;
      if (this.guidIndex < this.guids.length) {
        g = this.guids[this.guidIndex];
      } else {
        g = "00000000-0000-4000-8000-" + String(this.guidIndex + 1).padStart(12, "0");
      }
      this.guidIndex += 1;
      return g;
    }

    nextRandom(lo, hi) {
      if (this.randomFractions && this.randomFractions.length) {
        const u = this.randomFractions[this.randIndex % this.randomFractions.length];
        this.randIndex += 1;
        return lo + Math.floor(u * (hi - lo + 1));
      }
      if (this.randIndex >= this.random.length) {
        throw new EvaluationError("rand(): the evaluation context supplies no random numbers");
      }
      const n = this.random[this.randIndex];
      this.randIndex += 1;
      if (!(lo <= n && n <= hi)) {
        throw new EvaluationError(`rand(${lo}, ${hi}): the context's number ${n} is outside the range`);
      }
      return n;
    }
  }

  function dictView(where, values) {
    return new View(where, Object.keys(values), (n) => values[n]);
  }

  // -------------------------------------------------------------------------------------- lexer

  // One token at a time, sticky at `lastIndex`; group order as in Python's _TOKEN.
  const TOKEN = /\s*(?:([0-9]+(?:\.[0-9]+)?)|('(?:[^']|'')*')|("(?:[^"\\\n\r\u2028\u2029]|\\.)*")|(=>)|([A-Za-z_$][A-Za-z0-9_$]*)|([()[\]{},.:-]))/y;
  const KINDS = [null, "num", "str", "dstr", "arrow", "name", "p"];
  const PROPERTY = /\s*([A-Za-z0-9_$]+)/y;

  function tokens(text) {
    const out = [];
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      if (text.slice(pos).trim() === "") break;
      const last = out.length ? out[out.length - 1] : null;
      if (last !== null && last.kind === "p" && last.text === ".") {
        // After a dot comes a property name, which may start with a digit: element names are
        // any string, and published wizards read steps('s').1niccheck.
        PROPERTY.lastIndex = pos;
        const prop = PROPERTY.exec(text);
        if (prop) {
          out.push({ kind: "name", text: prop[1], pos: PROPERTY.lastIndex - prop[1].length });
          pos = PROPERTY.lastIndex;
          continue;
        }
      }
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(text);
      if (!m || TOKEN.lastIndex === pos) {
        const c = text.slice(pos).trimStart().slice(0, 1);
        throw new EvaluationError(`unexpected character ${pyRepr(c)} at ${pos} in ${pyRepr(text)}`);
      }
      let kind = null;
      let value = null;
      for (let g = 1; g < KINDS.length; g += 1) {
        if (m[g] !== undefined) {
          kind = KINDS[g];
          value = m[g];
          break;
        }
      }
      out.push({ kind, text: value, pos: TOKEN.lastIndex - value.length });
      pos = TOKEN.lastIndex;
    }
    return out;
  }

  // ------------------------------------------------------------------------------------- parser
  // Nodes are objects: {k: "lit", v} {k: "var", name} {k: "call", name, args} {k: "prop", obj, name}
  // {k: "index", obj, key} {k: "lambda", param, body} {k: "array", items} {k: "object", pairs}.
  // Each also carries `free` (lambda parameters it reads but does not bind) and `pure` (no guid() or
  // rand() inside), which decide whether a run may evaluate it once (Scope.memo).

  class Parser {
    constructor(text) {
      this.text = text;
      this.toks = tokens(text);
      this.i = 0;
    }

    peek(k) {
      const j = this.i + (k || 0);
      return j < this.toks.length ? this.toks[j] : null;
    }

    take(text) {
      const tok = this.peek();
      if (tok === null) throw new EvaluationError(`unexpected end of expression ${pyRepr(this.text)}`);
      if (text !== undefined && tok.text !== text) {
        throw new EvaluationError(`expected ${pyRepr(text)} but found ${pyRepr(tok.text)} at ${tok.pos} in ${pyRepr(this.text)}`);
      }
      this.i += 1;
      return tok;
    }

    at(text) {
      const tok = this.peek();
      return tok !== null && (tok.kind === "p" || tok.kind === "arrow") && tok.text === text;
    }

    parse() {
      const node = this.expr(false);
      const tok = this.peek();
      if (tok !== null) throw new EvaluationError(`unexpected ${pyRepr(tok.text)} at ${tok.pos} in ${pyRepr(this.text)}`);
      return node;
    }

    expr(allowLambda) {
      const a = this.peek(0);
      const b = this.peek(1);
      const c = this.peek(2);
      const d = this.peek(3);
      if (a !== null && a.text === "(" && b !== null && b.kind === "name" && c !== null && c.text === ")"
          && d !== null && d.kind === "arrow") {
        if (!allowLambda) {
          throw new EvaluationError(`a lambda is only allowed as a function argument, at ${a.pos} in ${pyRepr(this.text)}`);
        }
        this.i += 4;
        return node({ k: "lambda", param: b.text, body: this.expr(false) });
      }
      return this.postfix();
    }

    postfix() {
      let n = this.primary();
      for (;;) {
        if (this.at(".")) {
          this.take(".");
          const name = this.take();
          if (name.kind !== "name") throw new EvaluationError(`expected a property name at ${name.pos} in ${pyRepr(this.text)}`);
          n = node({ k: "prop", obj: n, name: name.text });
        } else if (this.at("[")) {
          this.take("[");
          const key = this.expr(false);
          this.take("]");
          n = node({ k: "index", obj: n, key });
        } else {
          return n;
        }
      }
    }

    primary() {
      const tok = this.take();
      if (tok.kind === "num") return node({ k: "lit", v: finite(Number(tok.text), "a number literal") });
      if (tok.kind === "p" && tok.text === "-") {
        const num = this.take();
        if (num.kind !== "num") throw new EvaluationError(`'-' must be followed by a number, at ${tok.pos} in ${pyRepr(this.text)}`);
        return node({ k: "lit", v: -finite(Number(num.text), "a number literal") });
      }
      if (tok.kind === "str") return node({ k: "lit", v: tok.text.slice(1, -1).split("''").join("'") });
      if (tok.kind === "dstr") return node({ k: "lit", v: this.dstring(tok) });
      if (tok.kind === "name") {
        if (this.at("(")) {
          this.take("(");
          const args = [];
          if (!this.at(")")) {
            for (;;) {
              args.push(this.expr(true));
              if (this.at(",")) {
                this.take(",");
                continue;
              }
              break;
            }
          }
          this.take(")");
          return node({ k: "call", name: tok.text, args });
        }
        if (tok.text === "true") return node({ k: "lit", v: true });
        if (tok.text === "false") return node({ k: "lit", v: false });
        if (tok.text === "null") return node({ k: "lit", v: null });
        return node({ k: "var", name: tok.text });
      }
      if (tok.kind === "p" && tok.text === "[") {
        const items = [];
        if (!this.at("]")) {
          for (;;) {
            items.push(this.expr(false));
            if (!this.at(",")) break;
            this.take(",");
          }
        }
        this.take("]");
        return node({ k: "array", items });
      }
      if (tok.kind === "p" && tok.text === "{") {
        const pairs = [];
        if (!this.at("}")) {
          for (;;) {
            const key = this.take();
            let k;
            if (key.kind === "str") k = key.text.slice(1, -1).split("''").join("'");
            else if (key.kind === "dstr") k = this.dstring(key);
            else if (key.kind === "name") k = key.text;
            else throw new EvaluationError(`expected an object key at ${key.pos} in ${pyRepr(this.text)}`);
            this.take(":");
            pairs.push([k, this.expr(false)]);
            if (!this.at(",")) break;
            this.take(",");
          }
        }
        this.take("}");
        return node({ k: "object", pairs });
      }
      throw new EvaluationError(`unexpected ${pyRepr(tok.text)} at ${tok.pos} in ${pyRepr(this.text)}`);
    }

    dstring(tok) {
      try {
        return JSON.parse(tok.text);
      } catch (exc) {
        throw new EvaluationError(`bad string ${tok.text} at ${tok.pos} in ${pyRepr(this.text)}: not a JSON string`);
      }
    }
  }

  const IMPURE = new Set(["guid", "rand"]);

  /** A parsed node with its free lambda parameters and purity worked out from its children. */
  function node(n) {
    let children = [];
    if (n.k === "call") children = n.args;
    else if (n.k === "prop") children = [n.obj];
    else if (n.k === "index") children = [n.obj, n.key];
    else if (n.k === "lambda") children = [n.body];
    else if (n.k === "array") children = n.items;
    else if (n.k === "object") children = n.pairs.map((p) => p[1]);
    const free = new Set();
    for (const c of children) for (const f of c.free) free.add(f);
    if (n.k === "var") free.add(n.name);
    if (n.k === "lambda") free.delete(n.param);
    n.free = free;
    n.pure = children.every((c) => c.pure) && !(n.k === "call" && IMPURE.has(n.name.toLowerCase()));
    return n;
  }

  const PARSED = new Map();

  /** The syntax tree of an expression (without its brackets); cached. */
  function parse(text) {
    let tree = PARSED.get(text);
    if (tree === undefined) {
      tree = new Parser(text).parse();
      if (PARSED.size > 8192) PARSED.clear();
      PARSED.set(text, tree);
    }
    return tree;
  }

  function isExpression(value) {
    return typeof value === "string" && value.startsWith("[") && value.endsWith("]") && !value.startsWith("[[");
  }

  function literal(value) {
    return value.startsWith("[[") && value.endsWith("]") ? value.slice(1) : value;
  }

  /** The value of a JSON value that may be an expression string; literals come back as they are. */
  function evaluate(text, scope, where) {
    if (typeof text !== "string") return text;
    if (!isExpression(text)) return literal(text);
    try {
      return plain(evalNode(parse(text.slice(1, -1)), scope, new Map()));
    } catch (exc) {
      if (exc instanceof RangeError) {
        throw new EvaluationError(`${where ? where + ": " : ""}expression nests too deeply`);
      }
      if (where && exc instanceof EvaluationError && !exc.message.startsWith(where)) {
        exc.message = `${where}: ${exc.message}`;
      }
      throw exc;
    }
  }

  // ---------------------------------------------------------------------------- helpers (types)

  function want(fn, i, v, ...kinds) {
    if (!kinds.includes(typeName(v))) {
      throw new EvaluationError(`${fn}(): argument ${i + 1} must be ${kinds.join(" or ")}, not ${typeName(v)}`);
    }
  }

  function arity(fn, args, lo, hi) {
    const top = hi === undefined ? lo : hi;
    const max = top >= 0 ? top : Infinity;
    if (!(lo <= args.length && args.length <= max)) {
      const w = lo === top ? `${lo}` : (top < 0 ? `at least ${lo}` : `${lo} to ${top}`);
      throw new EvaluationError(`${fn}() takes ${w} argument(s), got ${args.length}`);
    }
  }

  /** string(v): strings as they are, numbers as JavaScript prints them, the rest as compact JSON. */
  function toString(v) {
    const p = plain(v);
    if (typeof p === "string") return p;
    return toJson(p);
  }

  /** Numbers are finite doubles: a value out of range is an error where it arises (as in Python). */
  function finite(x, what) {
    if (!Number.isFinite(x)) throw new EvaluationError(`${what}: the number is out of range`);
    return x + 0;
  }

  function numText(n) {
    if (typeof n === "boolean") return n ? "true" : "false";
    if (!Number.isFinite(n)) throw new EvaluationError("a number that is not finite cannot be converted to text");
    return Object.is(n, -0) ? "0" : String(n);
  }

  function toJson(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return numText(v);
    if (typeof v === "string") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(toJson).join(",") + "]";
    if (isPlainObject(v)) {
      return "{" + Object.keys(v).map((k) => JSON.stringify(String(k)) + ":" + toJson(v[k])).join(",") + "}";
    }
    throw new EvaluationError(`a ${typeName(v)} cannot be converted to text`);
  }

  /** equals(a, b): same type and value, arrays and objects deeply (keys in any order). */
  function equal(a, b) {
    const x = plain(a);
    const y = plain(b);
    if (isNum(x) && isNum(y)) return x === y;
    if (typeName(x) !== typeName(y)) return false;
    if (Array.isArray(x)) return x.length === y.length && x.every((item, i) => equal(item, y[i]));
    if (isPlainObject(x)) {
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      return kx.length === ky.length && kx.every((k) => hasOwn(y, k)) && kx.every((k) => equal(x[k], y[k]));
    }
    return x === y;
  }

  function intOf(fn, v) {
    if (isNum(v)) {
      if (!Number.isFinite(v)) throw new EvaluationError(`${fn}(): ${pyRepr(v)} is not a finite number`);
      return Math.trunc(v) + 0;
    }
    if (typeof v === "string") {
      if (/^[+-]?[0-9]+$/.test(v)) return finite(Number(v), `${fn}()`);
      if (/^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)$/.test(v)) return finite(Math.trunc(Number(v)), `${fn}()`);
      throw new EvaluationError(`${fn}(): ${pyRepr(v)} is not a number`);
    }
    throw new EvaluationError(`${fn}(): argument must be number or string, not ${typeName(v)}`);
  }

  // ---------------------------------------------------------------------------------- evaluator

  const MISS = Symbol("miss");

  /** Evaluate a node; with scope.memo set, a pure call that reads no lambda parameter is evaluated
   * once per run (the Python reference also shares calls per lambda value; same results). */
  function evalNode(n, scope, env) {
    const memo = scope.memo;
    if (memo === null || n.k !== "call" || n.args.length === 0 || !n.pure || n.free.size !== 0) {
      return evalPlain(n, scope, env);
    }
    const hit = memo.has(n) ? memo.get(n) : MISS;
    if (hit !== MISS) return hit;
    const result = evalPlain(n, scope, env);
    memo.set(n, result);
    return result;
  }

  function evalPlain(n, scope, env) {
    switch (n.k) {
      case "lit":
        return n.v;
      case "var":
        if (env.has(n.name)) return env.get(n.name);
        throw new EvaluationError(`unknown name ${pyRepr(n.name)} (only a lambda's parameter may be used bare)`);
      case "prop":
        return member(evalNode(n.obj, scope, env), n.name);
      case "index": {
        const obj = evalNode(n.obj, scope, env);
        const key = evalNode(n.key, scope, env);
        return index(obj, key);
      }
      case "array":
        return n.items.map((x) => plain(evalNode(x, scope, env)));
      case "object": {
        const out = {};
        for (const [k, v] of n.pairs) out[k] = plain(evalNode(v, scope, env));
        return out;
      }
      case "lambda":
        return new Lambda((x) => {
          const inner = new Map(env);
          inner.set(n.param, x);
          return evalNode(n.body, scope, inner);
        });
      case "call":
        return call(n.name, n.args, scope, env);
      default:
        throw new EvaluationError(`bad syntax tree node ${n.k}`);
    }
  }

  function member(obj, name) {
    if (obj === null || obj === undefined) return null;
    if (obj instanceof View) return obj.member(name);
    if (isPlainObject(obj)) return hasOwn(obj, name) ? obj[name] : null;
    throw new EvaluationError(`cannot read property ${pyRepr(name)} of a ${typeName(obj)}`);
  }

  function index(obj, key) {
    if (obj === null || obj === undefined) return null;
    if (obj instanceof View) {
      if (typeof key !== "string") throw new EvaluationError(`an element is looked up by name, not by ${typeName(key)}`);
      return obj.member(key);
    }
    if (isPlainObject(obj)) {
      if (typeof key !== "string") throw new EvaluationError(`an object is indexed by a string, not a ${typeName(key)}`);
      return hasOwn(obj, key) ? obj[key] : null;
    }
    if (Array.isArray(obj) || typeof obj === "string") {
      if (!(isNum(key) && Number.isInteger(key))) {
        throw new EvaluationError(`an ${typeName(obj)} is indexed by a whole number, not ${pyRepr(key)}`);
      }
      return key >= 0 && key < obj.length ? obj[key] : null;
    }
    throw new EvaluationError(`cannot index a ${typeName(obj)}`);
  }

  const LAMBDA_FUNCTIONS = new Set(["filter", "map"]);

  function call(name, argNodes, scope, env) {
    const key = name.toLowerCase();
    const entry = hasOwn(FUNCTIONS, key) ? FUNCTIONS[key] : null;
    if (entry === null) throw new UnknownFunction(`unknown function ${name}() (not a createUiDefinition function)`);
    const args = argNodes.map((a) => evalNode(a, scope, env));
    argNodes.forEach((a, i) => {
      if (a.k === "lambda" && !LAMBDA_FUNCTIONS.has(key)) {
        throw new EvaluationError(`${name}(): argument ${i + 1} cannot be a lambda`);
      }
    });
    return entry.fn(entry.name, args, scope);
  }

  // ---------------------------------------------------------------------------------- functions

  const FUNCTIONS = Object.create(null);
  const GROUPS = {};

  function def(name, group, fn) {
    FUNCTIONS[name.toLowerCase()] = { name, fn };
    (GROUPS[group] = GROUPS[group] || []).push(name);
  }

  // --- referencing ---

  def("basics", "referencing", (fn, a, s) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    return member(s.basicsView(), a[0]);
  });

  def("steps", "referencing", (fn, a, s) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    if (a[0] === "basics") return s.basicsView();
    return s.stepView(a[0]);
  });

  def("location", "referencing", (fn, a, s) => {
    arity(fn, a, 0);
    return s.location;
  });

  def("resourceGroup", "referencing", (fn, a, s) => {
    arity(fn, a, 0);
    return Object.assign({}, s.resourceGroup);
  });

  def("subscription", "referencing", (fn, a, s) => {
    arity(fn, a, 0);
    return Object.assign({}, s.subscription);
  });

  // --- logical ---

  def("and", "logical", (fn, a) => {
    arity(fn, a, 2, -1);
    a.forEach((v, i) => want(fn, i, v, "boolean"));
    return a.every((v) => v);
  });

  def("or", "logical", (fn, a) => {
    arity(fn, a, 2, -1);
    a.forEach((v, i) => want(fn, i, v, "boolean"));
    return a.some((v) => v);
  });

  def("not", "logical", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "boolean");
    return !a[0];
  });

  def("if", "logical", (fn, a) => {
    arity(fn, a, 3);
    want(fn, 0, a[0], "boolean");
    return a[0] ? a[1] : a[2];
  });

  def("equals", "logical", (fn, a) => {
    arity(fn, a, 2);
    return equal(a[0], a[1]);
  });

  def("coalesce", "logical", (fn, a) => {
    arity(fn, a, 1, -1);
    for (const v of a) if (v !== null && v !== undefined) return v;
    return null;
  });

  function compare(fn, a) {
    arity(fn, a, 2);
    const [x, y] = a;
    if ((isNum(x) && isNum(y)) || (typeof x === "string" && typeof y === "string")) {
      // Strings: ordinal order, code unit by code unit ('9' > '10').
      return x > y ? 1 : (x < y ? -1 : 0);
    }
    throw new EvaluationError(`${fn}(): compares two numbers or two strings, not ${typeName(x)} and ${typeName(y)}`);
  }

  def("less", "logical", (fn, a) => compare(fn, a) < 0);
  def("lessOrEquals", "logical", (fn, a) => compare(fn, a) <= 0);
  def("greater", "logical", (fn, a) => compare(fn, a) > 0);
  def("greaterOrEquals", "logical", (fn, a) => compare(fn, a) >= 0);

  // --- collection ---

  function collection(fn, v, i) {
    const p = plain(v);
    want(fn, i || 0, p, "string", "array", "object");
    return p;
  }

  def("contains", "collection", (fn, a) => {
    arity(fn, a, 2);
    const c = collection(fn, a[0]);
    if (typeof c === "string") {
      want(fn, 1, a[1], "string");
      return c.includes(a[1]);
    }
    if (Array.isArray(c)) return c.some((x) => equal(x, a[1]));
    want(fn, 1, a[1], "string");
    return hasOwn(c, a[1]);
  });

  def("empty", "collection", (fn, a) => {
    arity(fn, a, 1);
    if (a[0] === null || a[0] === undefined) return true;
    return size(collection(fn, a[0])) === 0;
  });

  function size(c) {
    return isPlainObject(c) ? Object.keys(c).length : c.length;
  }

  def("length", "collection", (fn, a) => {
    arity(fn, a, 1);
    return size(collection(fn, a[0]));
  });

  function objectSlice(c, start, end) {
    const out = {};
    for (const k of Object.keys(c).slice(start, end)) out[k] = c[k];
    return out;
  }

  def("first", "collection", (fn, a) => {
    arity(fn, a, 1);
    const c = collection(fn, a[0]);
    if (isPlainObject(c)) return Object.keys(c).length ? objectSlice(c, 0, 1) : null;
    return c.length ? c[0] : null;
  });

  def("last", "collection", (fn, a) => {
    arity(fn, a, 1);
    const c = collection(fn, a[0]);
    if (isPlainObject(c)) {
      const n = Object.keys(c).length;
      return n ? objectSlice(c, n - 1, n) : null;
    }
    return c.length ? c[c.length - 1] : null;
  });

  function count(fn, v) {
    if (!(isNum(v) && Number.isInteger(v))) throw new EvaluationError(`${fn}(): the count must be a whole number, not ${pyRepr(v)}`);
    return Math.max(v, 0);
  }

  def("take", "collection", (fn, a) => {
    arity(fn, a, 2);
    const c = collection(fn, a[0]);
    const n = count(fn, a[1]);
    return isPlainObject(c) ? objectSlice(c, 0, n) : c.slice(0, n);
  });

  def("skip", "collection", (fn, a) => {
    arity(fn, a, 2);
    const c = collection(fn, a[0]);
    const n = count(fn, a[1]);
    return isPlainObject(c) ? objectSlice(c, n) : c.slice(n);
  });

  def("split", "collection", (fn, a) => {
    arity(fn, a, 2);
    want(fn, 0, a[0], "string");
    want(fn, 1, a[1], "string");
    if (a[1] === "") throw new EvaluationError(`${fn}(): the separator must not be empty`);
    return a[0].split(a[1]);
  });

  function lambdaOver(fn, a) {
    arity(fn, a, 2);
    const items = plain(a[0]);
    want(fn, 0, items, "array");
    if (!(a[1] instanceof Lambda)) throw new EvaluationError(`${fn}(): argument 2 must be a lambda such as (item) => ...`);
    return [items, a[1].fn];
  }

  def("filter", "collection", (fn, a) => {
    const [items, f] = lambdaOver(fn, a);
    const out = [];
    for (const x of items) {
      const keep = f(x);
      if (typeof keep !== "boolean") throw new EvaluationError(`${fn}(): the lambda must return a boolean, not ${typeName(keep)}`);
      if (keep) out.push(x);
    }
    return out;
  });

  def("map", "collection", (fn, a) => {
    const [items, f] = lambdaOver(fn, a);
    return items.map((x) => plain(f(x)));
  });

  def("union", "collection", (fn, a) => {
    // Not in Microsoft's createUiDefinition list; ARM's meaning (see the docs).
    arity(fn, a, 1, -1);
    const vals = a.map(plain);
    if (vals.every(Array.isArray)) {
      const out = [];
      for (const v of vals) for (const x of v) if (!out.some((y) => equal(x, y))) out.push(x);
      return out;
    }
    if (vals.every(isPlainObject)) return Object.assign({}, ...vals);
    throw new EvaluationError(`${fn}(): all arguments must be arrays, or all objects`);
  });

  // --- conversion ---

  def("int", "conversion", (fn, a) => {
    arity(fn, a, 1);
    return intOf(fn, a[0]);
  });

  def("float", "conversion", (fn, a) => {
    arity(fn, a, 1);
    const v = a[0];
    if (isNum(v)) return v;
    if (typeof v === "string" && /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v)) return finite(Number(v), `${fn}()`);
    throw new EvaluationError(`${fn}(): ${pyRepr(v)} is not a number`);
  });

  def("bool", "conversion", (fn, a) => {
    arity(fn, a, 1);
    const v = a[0];
    want(fn, 0, v, "boolean", "number", "string");
    if (typeof v === "boolean") return v;
    if (isNum(v)) return v !== 0;
    return v.toLowerCase() !== "false" && v !== "0";
  });

  def("string", "conversion", (fn, a) => {
    arity(fn, a, 1);
    return toString(a[0]);
  });

  def("parse", "conversion", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    try {
      return JSON.parse(a[0], (k, v) => (typeof v === "number" ? finite(v, `${fn}()`) : v));
    } catch (exc) {
      throw new EvaluationError(`${fn}(): not JSON: ${exc.message}`);
    }
  });

  function utf8Bytes(s) {
    return new TextEncoder().encode(s);
  }

  def("encodeBase64", "conversion", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    let bin = "";
    for (const b of utf8Bytes(a[0])) bin += String.fromCharCode(b);
    return btoa(bin);
  });

  // Strict base 64, as Python's b64decode(validate=True): the alphabet, whole quads, padding last.
  const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

  def("decodeBase64", "conversion", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    if (!BASE64.test(a[0])) throw new EvaluationError(`${fn}(): not base-64 text: ${pyRepr(a[0])}`);
    const bin = atob(a[0]);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (exc) {
      throw new EvaluationError(`${fn}(): not base-64 text: not UTF-8`);
    }
  });

  def("encodeUriComponent", "conversion", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    try {
      return encodeURIComponent(a[0]);
    } catch (exc) {
      throw new EvaluationError(`${fn}(): ${exc.message}`);
    }
  });

  def("decodeUriComponent", "conversion", (fn, a) => {
    arity(fn, a, 1);
    want(fn, 0, a[0], "string");
    if (/%(?![0-9A-Fa-f]{2})/.test(a[0])) throw new EvaluationError(`${fn}(): malformed escape in ${pyRepr(a[0])}`);
    try {
      return decodeURIComponent(a[0]);
    } catch (exc) {
      throw new EvaluationError(`${fn}(): malformed escape: ${exc.message}`);
    }
  });

  // --- string ---

  def("concat", "string", (fn, a) => {
    arity(fn, a, 1, -1);
    const vals = a.map(plain);
    if (vals.every(Array.isArray)) return [].concat(...vals);
    return vals.map((v, i) => {
      if (typeof v === "string") return v;
      if (isNum(v) || typeof v === "boolean") return numText(v);
      throw new EvaluationError(`${fn}(): argument ${i + 1} is ${typeName(v)}; concat joins strings (and numbers), or arrays`);
    }).join("");
  });

  function strArgs(fn, a, n) {
    arity(fn, a, n);
    a.forEach((v, i) => want(fn, i, v, "string"));
    return a;
  }

  def("startsWith", "string", (fn, a) => {
    const [x, y] = strArgs(fn, a, 2);
    return x.startsWith(y);
  });

  def("endsWith", "string", (fn, a) => {
    const [x, y] = strArgs(fn, a, 2);
    return x.endsWith(y);
  });

  def("indexOf", "string", (fn, a) => {
    const [x, y] = strArgs(fn, a, 2);
    return x.indexOf(y);
  });

  def("lastIndexOf", "string", (fn, a) => {
    const [x, y] = strArgs(fn, a, 2);
    return x.lastIndexOf(y);
  });

  def("replace", "string", (fn, a) => {
    const [x, old, repl] = strArgs(fn, a, 3);
    if (old === "") throw new EvaluationError(`${fn}(): the string to replace must not be empty`);
    return x.split(old).join(repl);
  });

  def("substring", "string", (fn, a) => {
    arity(fn, a, 3);
    want(fn, 0, a[0], "string");
    const start = count(fn, a[1]);
    const length = count(fn, a[2]);
    if (!(isNum(a[1]) && a[1] >= 0 && isNum(a[2]) && a[2] >= 0)) {
      throw new EvaluationError(`${fn}(): start and length must not be negative`);
    }
    if (start + length > a[0].length) {
      throw new EvaluationError(`${fn}(): start ${start} + length ${length} is beyond the end of a ${a[0].length}-character string`);
    }
    return a[0].slice(start, start + length);
  });

  def("toLower", "string", (fn, a) => strArgs(fn, a, 1)[0].toLowerCase());
  def("toUpper", "string", (fn, a) => strArgs(fn, a, 1)[0].toUpperCase());

  def("guid", "string", (fn, a, s) => {
    arity(fn, a, 0);
    return s.nextGuid();
  });

  // --- math ---

  function nums(fn, a, n) {
    arity(fn, a, n);
    a.forEach((v, i) => want(fn, i, v, "number"));
    return a;
  }

  def("add", "math", (fn, a) => {
    const [x, y] = nums(fn, a, 2);
    return finite(x + y, "arithmetic");
  });

  def("sub", "math", (fn, a) => {
    const [x, y] = nums(fn, a, 2);
    return finite(x - y, "arithmetic");
  });

  def("mul", "math", (fn, a) => {
    const [x, y] = nums(fn, a, 2);
    return finite(x * y, "arithmetic");
  });

  def("div", "math", (fn, a) => {
    const [x, y] = nums(fn, a, 2);
    if (y === 0) throw new EvaluationError(`${fn}(): division by zero`);
    return finite(Math.trunc(x / y), "arithmetic");
  });

  def("mod", "math", (fn, a) => {
    const [x, y] = nums(fn, a, 2);
    if (y === 0) throw new EvaluationError(`${fn}(): division by zero`);
    return (x % y) + 0;
  });

  function extreme(fn, a) {
    arity(fn, a, 1, -1);
    const vals = a.length === 1 ? plain(a[0]) : a;
    if (a.length === 1 && !Array.isArray(vals)) throw new EvaluationError(`${fn}(): takes two or more numbers, or one array of numbers`);
    if (!vals.length) throw new EvaluationError(`${fn}(): no numbers`);
    vals.forEach((v, i) => want(fn, i, v, "number"));
    return vals;
  }

  def("min", "math", (fn, a) => Math.min(...extreme(fn, a)));
  def("max", "math", (fn, a) => Math.max(...extreme(fn, a)));

  def("floor", "math", (fn, a) => Math.floor(nums(fn, a, 1)[0]) + 0);
  def("ceil", "math", (fn, a) => Math.ceil(nums(fn, a, 1)[0]) + 0);

  /** ARM's limit on range()'s count; a bigger one would hang the page. */
  const RANGE_LIMIT = 10000;

  def("range", "math", (fn, a) => {
    const [start, n] = nums(fn, a, 2);
    if (!(Number.isInteger(start) && Number.isInteger(n)) || n < 0) {
      throw new EvaluationError(`${fn}(): start and count must be whole numbers, count not negative`);
    }
    if (n > RANGE_LIMIT) throw new EvaluationError(`${fn}(): at most ${RANGE_LIMIT} numbers (ARM's limit), not ${n}`);
    const out = [];
    for (let i = 0; i < n; i += 1) out.push(start + i);
    return out;
  });

  def("rand", "math", (fn, a, s) => {
    const [lo, hi] = nums(fn, a, 2);
    return s.nextRandom(Math.trunc(lo), Math.trunc(hi));
  });

  // --- date ---

  const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

  /** Milliseconds since the epoch of an ISO 8601 timestamp (fractions below a millisecond dropped). */
  function timestamp(fn, v) {
    const m = typeof v === "string" ? ISO.exec(v) : null;
    if (!m) throw new EvaluationError(`${fn}(): ${pyRepr(v)} is not an ISO 8601 timestamp such as 1990-12-31T23:59:59Z`);
    const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
    const days = [31, (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let offset = 0;
    if (m[8] !== "Z") {
      const oh = Number(m[8].slice(1, 3));
      const om = Number(m[8].slice(4, 6));
      if (oh > 23 || om > 59) throw new EvaluationError(`${fn}(): ${pyRepr(v)}: offset out of range`);
      offset = (m[8][0] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] || h > 23 || mi > 59 || sec > 60) {
      throw new EvaluationError(`${fn}(): ${pyRepr(v)}: a date or time field is out of range`);
    }
    const ms = m[7] ? Number((m[7].slice(1) + "00").slice(0, 3)) : 0;
    // A leap second reads as the first second of the next minute.
    const base = new Date(0);
    base.setUTCFullYear(y, mo - 1, d);
    base.setUTCHours(h, mi, sec === 60 ? 59 : sec, ms);
    return base.getTime() - offset * 60000 + (sec === 60 ? 1000 : 0);
  }

  function iso(fn, t) {
    const d = new Date(t);
    if (!(d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999)) {
      throw new EvaluationError(`${fn}(): the result is outside the years 1 to 9999`);
    }
    const pad = (n, w) => String(n).padStart(w, "0");
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T`
      + `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
  }

  function addTime(fn, a, unitMs, unit) {
    arity(fn, a, 2);
    const t = timestamp(fn, a[0]);
    want(fn, 1, a[1], "number");
    if (!Number.isInteger(a[1])) throw new EvaluationError(`${fn}(): adds a whole number of ${unit}`);
    return iso(fn, t + a[1] * unitMs);
  }

  def("utcNow", "date", (fn, a, s) => {
    arity(fn, a, 0);
    return s.now;
  });
  def("addSeconds", "date", (fn, a) => addTime(fn, a, 1000, "seconds"));
  def("addMinutes", "date", (fn, a) => addTime(fn, a, 60000, "minutes"));
  def("addHours", "date", (fn, a) => addTime(fn, a, 3600000, "hours"));

  // ------------------------------------------------------------------------------------ regexes

  const REGEXES = new Map();

  /** new RegExp(pattern).test(value): a search, anchored only where the pattern says so. */
  function jsRegexSearch(pattern, value) {
    let re = REGEXES.get(pattern);
    if (re === undefined) {
      try {
        re = new RegExp(pattern);
      } catch (exc) {
        throw new EvaluationError(`regex ${pyRepr(pattern)} does not compile: ${exc.message}`);
      }
      REGEXES.set(pattern, re);
    }
    return re.test(value);
  }

  function functionNames() {
    const out = [];
    for (const g of ["referencing", "logical", "collection", "conversion", "string", "math", "date"]) {
      out.push([g, (GROUPS[g] || []).slice().sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()))]);
    }
    return out;
  }

  // ===================================================================================== wizard

  const BASICS = "basics";

  const CONTROL_TYPES = [
    "Microsoft.Common.TextBox",
    "Microsoft.Common.PasswordBox",
    "Microsoft.Common.DropDown",
    "Microsoft.Common.OptionsGroup",
    "Microsoft.Common.CheckBox",
    "Microsoft.Common.Slider",
    "Microsoft.Common.InfoBox",
    "Microsoft.Common.TextBlock",
    "Microsoft.Common.Section",
    "Microsoft.Common.TagsByResource",
    "Microsoft.Compute.SizeSelector",
    "Microsoft.Compute.CredentialsCombo",
    "Microsoft.Compute.UserNameTextBox",
    "Microsoft.Solutions.ResourceSelector",
    "Microsoft.Solutions.ArmApiControl",
  ];
  const TYPES = new Map(CONTROL_TYPES.map((t) => [t.toLowerCase(), t]));
  const TEXT_TYPES = ["Microsoft.Common.TextBox", "Microsoft.Common.PasswordBox", "Microsoft.Compute.UserNameTextBox"];
  /** The type of an element the lenient wizard keeps as a placeholder (unknown or malformed). */
  const PLACEHOLDER = "armgen.Placeholder";

  /** Python's json_path(): $.a.b[0] */
  function jsonPath(parts) {
    let out = "$";
    for (const p of parts) {
      if (typeof p === "number") out += `[${p}]`;
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `.${p}`;
      else out += `[${JSON.stringify(p)}]`;
    }
    return out;
  }

  function deepCopy(v) {
    return v === undefined ? null : JSON.parse(JSON.stringify(v));
  }

  /** What Azure answers the wizard: the sample data of a run (Python's Environment). */
  class Environment {
    constructor() {
      this.location = "westus";
      this.resourceGroup = { name: "rg", location: "westus", mode: "Existing" };
      this.subscription = {
        id: "/subscriptions/00000000-0000-0000-0000-000000000000",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        tenantId: "00000000-0000-0000-0000-000000000000",
        displayName: "subscription",
      };
      this.resources = {};
      this.arm = {};
      this.sizes = null;
      this.now = "2000-01-01T00:00:00.000Z";
      this.guids = [];
      this.random = [];
      this.inputs = {};
    }

    static fromJson(doc) {
      const env = new Environment();
      for (const key of ["location", "resourceGroup", "subscription", "resources", "arm", "sizes", "now", "guids", "inputs"]) {
        if (hasOwn(doc, key)) env[key] = deepCopy(doc[key]);
      }
      return env;
    }

    /** The body Azure answers a request with: "METHOD path", without the query string,
     * case-insensitively, ignoring a trailing slash. */
    answer(method, path) {
      const w = requestKey(method, path);
      for (const key of Object.keys(this.arm)) {
        const sp = key.indexOf(" ");
        const m = sp < 0 ? key : key.slice(0, sp);
        const p = sp < 0 ? "" : key.slice(sp + 1);
        const k = requestKey(m, p);
        if (k[0] === w[0] && k[1] === w[1]) return this.arm[key];
      }
      return null;
    }

    candidates(resourceType) {
      for (const t of Object.keys(this.resources)) {
        if (t.toLowerCase() === String(resourceType).toLowerCase()) return this.resources[t];
      }
      return [];
    }
  }

  function requestKey(method, path) {
    return [method.toUpperCase(), path.split("?")[0].replace(/\/+$/, "").toLowerCase()];
  }

  function labelOf(doc, path) {
    let label = doc.label;
    if (isPlainObject(label)) label = Object.values(label).find((v) => typeof v === "string");
    return typeof label === "string" && label ? label : path.join(".");
  }

  const keyOf = (step, path) => step + "\u0000" + path.join("\u0000");

  /** A createUiDefinition ready to run; construction checks every element's type.
   *
   * options.extraControls: {type: {value(run, el), options?(run, el), check?(run, el, value)}} for
   * controls beyond the reference set (the preview's approximations).
   * options.lenient: malformed elements and unknown controls become placeholders (value null)
   * listed in `problems`, instead of failing the document. */
  class Wizard {
    constructor(document, environment, options) {
      const o = options || {};
      this.document = document;
      this.environment = environment || new Environment();
      this.extra = new Map(Object.entries(o.extraControls || {}).map(([t, impl]) => [t.toLowerCase(), [t, impl]]));
      this.lenient = !!o.lenient;
      this.problems = [];
      const params = isPlainObject(document) ? document.parameters : null;
      if (!isPlainObject(params)) {
        if (!this.lenient) throw new DocumentError("createUiDefinition has no 'parameters' object");
        this.problems.push("createUiDefinition has no 'parameters' object");
      }
      this.params = isPlainObject(params) ? params : {};
      this.elements = new Map();
      this.order = [];
      this.steps = [BASICS];
      this.stepDocs = { [BASICS]: { name: BASICS, label: "Basics" } };
      this.top = {};
      this.top[BASICS] = this.index(BASICS, this.params.basics || [], [], ["parameters", "basics"], null);
      const steps = this.params.steps || [];
      (Array.isArray(steps) ? steps : []).forEach((step, si) => {
        let name = isPlainObject(step) ? step.name : undefined;
        const where = jsonPath(["parameters", "steps", si]);
        if (typeof name !== "string") {
          if (!this.lenient) throw new DocumentError(`${where}: a step needs a name`);
          this.problems.push(`${where}: a step needs a name`);
          name = `(step ${si + 1})`;
        }
        if (hasOwn(this.top, name)) {
          if (!this.lenient) throw new DocumentError(`${where}: duplicate step ${pyRepr(name)}`);
          this.problems.push(`${where}: duplicate step ${pyRepr(name)}`);
          name = `${name} (${si + 1})`;
        }
        this.steps.push(name);
        this.stepDocs[name] = isPlainObject(step) ? step : {};
        const elements = isPlainObject(step) ? step.elements || [] : [];
        this.top[name] = this.index(name, elements, [], ["parameters", "steps", si, "elements"], null);
      });
      if (!Array.isArray(steps) && this.lenient) this.problems.push("$.parameters.steps: must be an array");
    }

    index(step, items, prefix, where, parent) {
      if (!Array.isArray(items)) {
        if (!this.lenient) throw new DocumentError(`${jsonPath(where)}: elements must be an array`);
        this.problems.push(`${jsonPath(where)}: elements must be an array`);
        return [];
      }
      const names = [];
      items.forEach((el, i) => {
        const here = where.concat([i]);
        let name = isPlainObject(el) ? el.name : undefined;
        let ctype;
        let problem = null;
        if (!isPlainObject(el) || typeof el.name !== "string" || typeof el.type !== "string") {
          problem = `${jsonPath(here)}: an element needs a name and a type`;
          if (!this.lenient) throw new DocumentError(problem);
          if (typeof name !== "string") name = `(element ${i + 1})`;
          ctype = PLACEHOLDER;
        } else {
          ctype = TYPES.get(el.type.toLowerCase());
          if (ctype === undefined && this.extra.has(el.type.toLowerCase())) ctype = this.extra.get(el.type.toLowerCase())[0];
          if (ctype === undefined) {
            problem = `${jsonPath(here)}: control type ${pyRepr(el.type)} is not supported by armgen's createUiDefinition evaluator`;
            if (!this.lenient) throw new UnsupportedControl(problem);
            ctype = PLACEHOLDER;
          }
        }
        if (names.includes(name)) {
          const msg = `${jsonPath(here)}: two elements named ${pyRepr(name)} in one container`;
          if (!this.lenient) throw new DocumentError(msg);
          this.problems.push(msg);
          name = `${name} (${i + 1})`;
        }
        if (problem) this.problems.push(problem);
        names.push(name);
        const path = prefix.concat([name]);
        const doc = isPlainObject(el) ? Object.assign({}, el) : {};
        const n = { step, path, doc, type: ctype, jsonPath: here, parent, children: [], problem,
                    key: keyOf(step, path), label: labelOf(doc, path) };
        this.elements.set(n.key, n);
        this.order.push(n);
        if (ctype === "Microsoft.Common.Section") {
          n.children = this.index(step, doc.elements || [], path, here.concat(["elements"]), n.key);
        }
      });
      return names;
    }

    /** Evaluate the wizard for `values` ({basics: {...}, step: {...}}, sections nested). */
    run(values, api) {
      return this.start(values, api).outcome();
    }

    /** The run itself, for a caller that asks more of it after outcome() (the preview reads
     * `required` and an element's evaluated properties). */
    start(values, api) {
      return new Run(this, values || {}, api || {});
    }

    elementPaths() {
      return this.order.map((el) => [el.step, el.path.join("."), el.type]);
    }
  }

  const MISSING = Symbol("missing");

  class Run {
    constructor(wizard, values, api) {
      this.w = wizard;
      this.env = wizard.environment;
      this.values = values;
      this.api = api;
      this.errors = [];
      this.errorsByKey = new Map();
      this.visibleMemo = new Map();
      this.valueMemo = new Map();
      this.optionsMemo = new Map();
      this.itemsMemo = new Map();
      this.busy = new Set();
      this.scope = new Scope({
        location: this.env.location, resourceGroup: Object.assign({}, this.env.resourceGroup),
        subscription: Object.assign({}, this.env.subscription), basics: () => this.basicsView(),
        steps: (name) => this.stepView(name), now: this.env.now, guids: this.env.guids.slice(),
        random: (this.env.random || []).slice(), memo: new Map(),
      });
      // Preview only: rand() draws from these fractions of [0, 1) (the reference has `random`).
      this.scope.randomFractions = this.env.randomFractions || null;
      this.checkValues();
    }

    // --- user values ---

    checkValues() {
      for (const step of Object.keys(this.values)) {
        if (!hasOwn(this.w.top, step)) {
          throw new WizardInputError(`values for step ${pyRepr(step)}, which the createUiDefinition does not have`);
        }
        this.checkContainer(step, [], this.values[step]);
      }
    }

    checkContainer(step, prefix, vals) {
      if (!isPlainObject(vals)) {
        throw new WizardInputError(`values for ${step}${prefix.length ? "." : ""}${prefix.join(".")} must be an object`);
      }
      for (const name of Object.keys(vals)) {
        const path = prefix.concat([name]);
        const el = this.w.elements.get(keyOf(step, path));
        if (el === undefined) throw new WizardInputError(`a value for ${step}.${path.join(".")}, which is not an element`);
        if (el.type === "Microsoft.Common.Section") this.checkContainer(step, path, vals[name]);
      }
    }

    user(el) {
      let n = hasOwn(this.values, el.step) ? this.values[el.step] : {};
      for (const part of el.path) {
        if (!isPlainObject(n) || !hasOwn(n, part)) return MISSING;
        n = n[part];
      }
      return n;
    }

    // --- scope views ---

    view(step, prefix, names) {
      let where = step === BASICS ? BASICS : `step ${pyRepr(step)}`;
      if (prefix.length) where += " section " + prefix.join(".");
      return new View(where, names, (n) => this.value(this.w.elements.get(keyOf(step, prefix.concat([n])))));
    }

    basicsView() {
      return this.view(BASICS, [], this.w.top[BASICS]);
    }

    stepView(name) {
      if (!hasOwn(this.w.top, name)) throw new EvaluationError(`there is no step named ${pyRepr(name)}`);
      return this.view(name, [], this.w.top[name]);
    }

    // --- evaluation helpers ---

    ev(el, value, ...prop) {
      return this.evTree(value, el.jsonPath.concat(prop));
    }

    evTree(value, where) {
      if (typeof value === "string") {
        try {
          return evaluate(value, this.scope);
        } catch (exc) {
          if (exc instanceof EvaluationError) {
            const Cls = exc instanceof UnknownFunction ? UnknownFunction : EvaluationError;
            throw new Cls(`${jsonPath(where)}: ${exc.message}`);
          }
          throw exc;
        }
      }
      if (Array.isArray(value)) return value.map((v, i) => this.evTree(v, where.concat([i])));
      if (isPlainObject(value)) {
        const out = {};
        for (const k of Object.keys(value)) out[k] = this.evTree(value[k], where.concat([k]));
        return out;
      }
      return value === undefined ? null : value;
    }

    evBool(el, value, ...prop) {
      const v = this.ev(el, value, ...prop);
      if (typeof v !== "boolean") {
        throw new EvaluationError(`${jsonPath(el.jsonPath.concat(prop))}: must be a boolean, not ${typeName(v)}`);
      }
      return v;
    }

    guard(table, el, what, compute) {
      if (table.has(el.key)) return table.get(el.key);
      const busyKey = what + "\u0001" + el.key;
      if (this.busy.has(busyKey)) {
        throw new EvaluationError(`${what} of ${el.step}.${el.path.join(".")} depends on itself`);
      }
      this.busy.add(busyKey);
      let result;
      try {
        result = compute();
      } finally {
        this.busy.delete(busyKey);
      }
      table.set(el.key, result);
      return result;
    }

    // --- visibility and value ---

    visible(el) {
      return this.guard(this.visibleMemo, el, "visibility", () => {
        if (el.parent !== null && !this.visible(this.w.elements.get(el.parent))) return false;
        if (el.type === "Microsoft.Solutions.ArmApiControl") return true;
        return this.evBool(el, hasOwn(el.doc, "visible") ? el.doc.visible : true, "visible");
      });
    }

    value(el) {
      return this.guard(this.valueMemo, el, "value", () => {
        if (!this.visible(el)) return null;
        return this.control(el, "value")(el);
      });
    }

    options(el) {
      return this.guard(this.optionsMemo, el, "options", () => {
        const fn = this.control(el, "options");
        return fn ? fn(el) : null;
      });
    }

    /** The implementation of `what` (value, options, check) for an element's control type. */
    control(el, what) {
      const short = el.type.split(".").pop();
      const own = this[`${what}_${short}`];
      if (TYPES.has(el.type.toLowerCase()) || el.type === PLACEHOLDER) {
        return own ? own.bind(this) : null;
      }
      const impl = this.w.extra.get(el.type.toLowerCase())[1];
      if (!impl[what]) return what === "value" ? () => null : null;
      return what === "check" ? (e, v) => impl[what](this, e, v) : (e) => impl[what](this, e);
    }

    // --- per control: options ---

    items(el) {
      return this.guard(this.itemsMemo, el, "allowed values", () => {
        const c = el.doc.constraints || {};
        const raw = this.ev(el, hasOwn(c, "allowedValues") ? c.allowedValues : [], "constraints", "allowedValues");
        if (!Array.isArray(raw)) {
          throw new EvaluationError(`${jsonPath(el.jsonPath.concat(["constraints", "allowedValues"]))}: must be an array, not ${typeName(raw)}`);
        }
        raw.forEach((item, i) => {
          if (!isPlainObject(item) || !hasOwn(item, "label") || !hasOwn(item, "value")) {
            throw new EvaluationError(`${jsonPath(el.jsonPath.concat(["constraints", "allowedValues", i]))}: an allowed value is an object with a label and a value`);
          }
        });
        return raw;
      });
    }

    options_DropDown(el) {
      return this.items(el).map((i) => i.value);
    }

    options_OptionsGroup(el) {
      return this.options_DropDown(el);
    }

    options_SizeSelector(el) {
      const c = el.doc.constraints || {};
      const allowed = this.ev(el, hasOwn(c, "allowedSizes") ? c.allowedSizes : null, "constraints", "allowedSizes");
      const excluded = this.ev(el, hasOwn(c, "excludedSizes") ? c.excludedSizes : null, "constraints", "excludedSizes") || [];
      const recommended = this.ev(el, el.doc.recommendedSizes || [], "recommendedSizes");
      const truthy = (v) => v !== null && v !== undefined && v !== false && v !== 0 && v !== "" && !(Array.isArray(v) && !v.length);
      const base = this.env.sizes !== null && this.env.sizes !== undefined ? this.env.sizes
        : (truthy(allowed) ? allowed : Array.from(recommended));
      return Array.from(base).filter((s) => (!truthy(allowed) || allowed.includes(s)) && !excluded.includes(s));
    }

    options_ResourceSelector(el) {
      return this.resourceCandidates(el).map((c) => c.id);
    }

    resourceCandidates(el) {
      const rtype = String(el.doc.resourceType === undefined ? "" : el.doc.resourceType);
      const flt = ((el.doc.options || {}).filter) || {};
      const out = [];
      for (const c of this.env.candidates(rtype)) {
        if (flt.location === "onBasics" && norm(c.location) !== norm(this.env.location)) continue;
        const sub = String(this.env.subscription.id || "").toLowerCase();
        if (flt.subscription === "onBasics" && !String(c.id || "").toLowerCase().startsWith(sub + "/")) continue;
        out.push(c);
      }
      return out;
    }

    // --- per control: values ---

    typedUser(el, ...kinds) {
      const v = this.user(el);
      if (v !== MISSING && !kinds.includes(typeName(v))) {
        throw new WizardInputError(`${el.step}.${el.path.join(".")}: a ${el.type} takes ${kinds.join(" or ")}, not ${typeName(v)}`);
      }
      return v;
    }

    textValue(el) {
      const v = this.typedUser(el, "string");
      if (v !== MISSING) return v;
      if (hasOwn(el.doc, "defaultValue")) {
        const d = this.ev(el, el.doc.defaultValue, "defaultValue");
        if (typeof d !== "string") {
          throw new EvaluationError(`${jsonPath(el.jsonPath.concat(["defaultValue"]))}: must be a string, not ${typeName(d)}`);
        }
        return d;
      }
      return "";
    }

    value_TextBox(el) {
      return this.textValue(el);
    }

    value_UserNameTextBox(el) {
      return this.textValue(el);
    }

    value_PasswordBox(el) {
      const v = this.typedUser(el, "string");
      return v === MISSING ? "" : v;
    }

    value_DropDown(el) {
      const items = this.items(el);
      const multi = this.ev(el, hasOwn(el.doc, "multiselect") ? el.doc.multiselect : false, "multiselect") === true;
      const v = this.user(el);
      if (v !== MISSING) {
        if (multi && !Array.isArray(v)) throw new WizardInputError(`${el.step}.${el.path.join(".")}: a multi-select DropDown takes an array`);
        return v;
      }
      const d = hasOwn(el.doc, "defaultValue") ? this.ev(el, el.doc.defaultValue, "defaultValue") : null;
      if (multi) {
        const picks = Array.isArray(d) ? d : (d === null ? [] : [d]);
        return picks.map((p) => pick(items, p)).filter((x) => x !== MISSING);
      }
      if (d !== null) {
        const picked = pick(items, d);
        if (picked !== MISSING) return picked;
      }
      return items.length ? items[0].value : null;
    }

    value_OptionsGroup(el) {
      return this.value_DropDown(el);
    }

    value_CheckBox(el) {
      const v = this.typedUser(el, "boolean");
      if (v !== MISSING) return v;
      if (hasOwn(el.doc, "defaultValue")) return this.evBool(el, el.doc.defaultValue, "defaultValue");
      return false;
    }

    value_Slider(el) {
      const v = this.typedUser(el, "number");
      if (v !== MISSING) return v;
      if (hasOwn(el.doc, "defaultValue")) return this.ev(el, el.doc.defaultValue, "defaultValue");
      return this.ev(el, hasOwn(el.doc, "min") ? el.doc.min : 0, "min");
    }

    value_SizeSelector(el) {
      const v = this.typedUser(el, "string");
      const options = this.options(el) || [];
      if (v !== MISSING) return v;
      for (const s of this.ev(el, el.doc.recommendedSizes || [], "recommendedSizes")) {
        if (options.includes(s)) return s;
      }
      return null;
    }

    value_CredentialsCombo(el) {
      const v = this.typedUser(el, "object");
      const linux = String(el.doc.osPlatform === undefined ? "" : el.doc.osPlatform).toLowerCase() === "linux";
      const hide = this.ev(el, hasOwn(el.doc.options || {}, "hidePassword") ? el.doc.options.hidePassword : false,
        "options", "hidePassword") === true;
      const out = linux
        ? { authenticationType: hide ? "sshPublicKey" : "password", password: "", sshPublicKey: "", sshKeyName: "", generateNewSshKey: false }
        : { authenticationType: "password", password: "" };
      if (v !== MISSING) {
        const unknown = Object.keys(v).filter((k) => !hasOwn(out, k)).sort();
        if (unknown.length) throw new WizardInputError(`${el.step}.${el.path.join(".")}: unknown field(s) ${pyRepr(unknown)}`);
        Object.assign(out, v);
      }
      return out;
    }

    value_ResourceSelector(el) {
      const v = this.user(el);
      if (v === MISSING || v === null) return null;
      const rid = isPlainObject(v) ? v.id : v;
      if (typeof rid !== "string") throw new WizardInputError(`${el.step}.${el.path.join(".")}: a ResourceSelector takes a resource id`);
      for (const c of this.resourceCandidates(el)) {
        if (String(c.id === undefined ? "" : c.id).toLowerCase() === rid.toLowerCase()) return c;
      }
      return { id: rid, $notListed: true };
    }

    value_ArmApiControl(el) {
      const name = el.path[el.path.length - 1];
      if (hasOwn(this.api, name)) return this.api[name];
      const request = el.doc.request || {};
      let method;
      let path;
      try {
        method = this.ev(el, hasOwn(request, "method") ? request.method : "GET", "request", "method");
        path = this.ev(el, hasOwn(request, "path") ? request.path : null, "request", "path");
      } catch (exc) {
        if (exc instanceof EvaluationError) return null; // no request until its path can be built
        throw exc;
      }
      if (typeof method !== "string" || typeof path !== "string") return null;
      return this.env.answer(method, path);
    }

    value_TagsByResource(el) {
      const v = this.typedUser(el, "object");
      if (v === MISSING) return {};
      for (const rtype of Object.keys(v)) {
        const tags = v[rtype];
        if (!isPlainObject(tags) || !Object.values(tags).every((x) => typeof x === "string")) {
          throw new WizardInputError(`${el.step}.${el.path.join(".")}: tags of ${rtype} must be an object of strings`);
        }
      }
      return v;
    }

    value_InfoBox(el) {
      const opts = el.doc.options || {};
      return this.ev(el, hasOwn(opts, "text") ? opts.text : null, "options", "text");
    }

    value_TextBlock(el) {
      return this.value_InfoBox(el);
    }

    value_Section(el) {
      return this.view(el.step, el.path, el.children);
    }

    value_Placeholder() {
      return null;
    }

    // --- constraints ---

    checks(el) {
      if (!this.visible(el)) return [];
      const fn = this.control(el, "check");
      const msgs = fn ? fn(el, this.value(el)) : [];
      return msgs.concat(this.validations(el, this.value(el), fn !== null && TEXT_TYPES.includes(el.type)));
    }

    required(el, dflt) {
      const c = el.doc.constraints || {};
      return this.evBool(el, hasOwn(c, "required") ? c.required : dflt, "constraints", "required");
    }

    validations(el, value, regexOk) {
      const c = el.doc.constraints || {};
      const msgs = [];
      (c.validations || []).forEach((v, i) => {
        const where = ["constraints", "validations", i];
        const message = String(v.message ? v.message : `${el.label} is not valid.`);
        if (hasOwn(v, "isValid") && !this.evBool(el, v.isValid, ...where, "isValid")) msgs.push(message);
        if (hasOwn(v, "regex")) {
          if (!regexOk) throw new EvaluationError(`${jsonPath(el.jsonPath.concat(where))}: a regex validation needs a text value`);
          const pattern = this.ev(el, v.regex, ...where, "regex");
          if (value && !jsRegexSearch(pattern, value)) msgs.push(message);
        }
      });
      return msgs;
    }

    checkText(el, value, requiredDefault) {
      if (this.required(el, requiredDefault) && value === "") return [`${el.label}: a value is required.`];
      const c = el.doc.constraints || {};
      if (value !== "" && c.regex !== undefined && c.regex !== null) {
        const pattern = this.ev(el, c.regex, "constraints", "regex");
        if (!jsRegexSearch(pattern, value)) {
          return [String(c.validationMessage ? c.validationMessage : `${el.label}: the value does not match ${pattern}`)];
        }
      }
      return [];
    }

    check_TextBox(el, value) {
      return this.checkText(el, value, false);
    }

    check_PasswordBox(el, value) {
      return this.checkText(el, value, false);
    }

    check_UserNameTextBox(el, value) {
      return this.checkText(el, value, true);
    }

    check_DropDown(el, value) {
      const offered = this.options(el) || [];
      const multi = Array.isArray(value) && this.ev(el, hasOwn(el.doc, "multiselect") ? el.doc.multiselect : false, "multiselect") === true;
      const picked = multi ? value : (value === null ? [] : [value]);
      if (!picked.length) {
        if (this.required(el, true)) {
          if (!offered.length) return [`${el.label}: there is nothing to choose from.`];
          return [`${el.label}: choose a value.`];
        }
        return [];
      }
      const bad = picked.filter((p) => !offered.some((o) => equal(p, o)));
      if (bad.length) return [`${el.label}: ${bad.map(pyRepr).join(", ")} is not among the values offered.`];
      return [];
    }

    check_OptionsGroup(el, value) {
      return this.check_DropDown(el, value);
    }

    check_CheckBox(el, value) {
      if (this.required(el, false) && value !== true) {
        const c = el.doc.constraints || {};
        return [String(c.validationMessage ? c.validationMessage : `${el.label} must be checked.`)];
      }
      return [];
    }

    check_Slider(el, value) {
      const lo = this.ev(el, hasOwn(el.doc, "min") ? el.doc.min : null, "min");
      const hi = this.ev(el, hasOwn(el.doc, "max") ? el.doc.max : null, "max");
      if (!isNum(lo) || !isNum(hi)) {
        throw new EvaluationError(`${jsonPath(el.jsonPath)}: a Slider needs numbers for min and max`);
      }
      if (!(isNum(value) && Number.isInteger(value)) || !(lo <= value && value <= hi)) {
        return [`${el.label}: choose a whole number from ${lo} to ${hi}.`];
      }
      return [];
    }

    check_SizeSelector(el, value) {
      if (value === null) return [`${el.label}: no size is available.`];
      if (!(this.options(el) || []).includes(value)) return [`${el.label}: ${value} is not among the sizes offered.`];
      return [];
    }

    check_CredentialsCombo(el, value) {
      const required = this.required(el, true);
      const c = el.doc.constraints || {};
      const auth = value.authenticationType;
      if (auth === "password") {
        const opts = el.doc.options || {};
        const hide = hasOwn(opts, "hidePassword") ? opts.hidePassword : false;
        const linux = String(el.doc.osPlatform === undefined ? "" : el.doc.osPlatform).toLowerCase() === "linux";
        if (linux && truthyPy(this.ev(el, hide, "options", "hidePassword"))) return [`${el.label}: password authentication is not offered.`];
        const pw = value.password || "";
        if (required && !pw) return [`${el.label}: a password is required.`];
        const pattern = c.customPasswordRegex;
        if (pw && pattern && !jsRegexSearch(this.ev(el, pattern, "constraints", "customPasswordRegex"), pw)) {
          return [String(c.customValidationMessage ? c.customValidationMessage : `${el.label}: the password does not match ${pattern}`)];
        }
        return [];
      }
      if (auth === "sshPublicKey") {
        if (value.generateNewSshKey) return value.sshKeyName ? [] : [`${el.label}: name the new key pair.`];
        if (required && !value.sshPublicKey) return [`${el.label}: an SSH public key is required.`];
        return [];
      }
      return [`${el.label}: choose an authentication type.`];
    }

    check_ResourceSelector(el, value) {
      if (value === null) return this.required(el, true) ? [`${el.label}: select a resource.`] : [];
      if (value.$notListed) return [`${el.label}: ${value.id} is not among the resources listed.`];
      return [];
    }

    // --- the whole run ---

    outcome() {
      const blocked = [];
      const states = new Map();
      for (const el of this.w.order) {
        let visible;
        let value;
        let options;
        let msgs;
        try {
          visible = this.visible(el);
          value = this.value(el);
          options = visible ? this.options(el) : null;
          msgs = this.checks(el);
          // A Section's value reads its children: one that fails is this element's error too.
          value = plain(value);
        } catch (exc) {
          if (!(exc instanceof EvaluationError)) throw exc;
          this.errors.push(exc.message);
          this.errorsByKey.set(el.key, exc.message);
          continue;
        }
        states.set(el.key, { step: el.step, path: el.path, name: el.path.join("."), type: el.type, visible,
                             value, options });
        for (const m of msgs) blocked.push({ step: el.step, element: el.path.join("."), message: m });
      }
      let outputs = null;
      if (!blocked.length && !this.errors.length) {
        outputs = {};
        const outs = this.w.params.outputs || {};
        for (const name of Object.keys(isPlainObject(outs) ? outs : {})) {
          try {
            outputs[name] = deepCopy(plain(this.evTree(outs[name], ["parameters", "outputs", name])));
          } catch (exc) {
            if (!(exc instanceof EvaluationError)) throw exc;
            this.errors.push(exc.message);
          }
        }
        if (this.errors.length) outputs = null;
      }
      return new Outcome(blocked, this.errors, outputs, states, this.errorsByKey);
    }
  }

  function truthyPy(v) {
    if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isPlainObject(v)) return Object.keys(v).length > 0;
    return true;
  }

  class Outcome {
    constructor(blocked, errors, outputs, elements, errorsByKey) {
      this.blocked = blocked;
      this.errors = errors;
      this.outputs = outputs;
      this.elements = elements;
      this.errorsByKey = errorsByKey;
    }

    get ok() {
      return this.outputs !== null;
    }

    element(step, name) {
      return this.elements.get(keyOf(step, name.split(".")));
    }
  }

  function norm(location) {
    return String(location === null || location === undefined ? "" : location).split(" ").join("").toLowerCase();
  }

  /** The value of the item a defaultValue names: by label, or {"value": v} by value. */
  function pick(items, dflt) {
    if (isPlainObject(dflt) && hasOwn(dflt, "value")) {
      for (const i of items) if (equal(i.value, dflt.value)) return i.value;
      return MISSING;
    }
    for (const i of items) if (i.label === dflt) return i.value;
    return MISSING;
  }

  // ================================================================================= acceptance

  const PARAM_TYPES = {
    string: "string", securestring: "string", int: "int", bool: "boolean",
    object: "object", secureobject: "object", array: "array",
  };

  function paramTypeOk(ptype, value) {
    const w = PARAM_TYPES[ptype];
    if (w === undefined) return false;
    if (w === "int") return isNum(value) && Number.isFinite(value) && Number.isInteger(value);
    return typeName(value) === w;
  }

  function describe(v) {
    const text = pyRepr(v);
    return text.length <= 60 ? text : text.slice(0, 57) + "...";
  }

  /** Problems Resource Manager would report for `values` against `template`'s parameters, each
   * "$.name: message" (armgen/uidef/acceptance.py's check_parameters). */
  function checkParameters(template, values) {
    let tparams = isPlainObject(template) ? template.parameters : null;
    if (!isPlainObject(tparams)) tparams = {};
    const byLower = new Map(Object.keys(tparams).map((k) => [k.toLowerCase(), k]));
    const problems = [];
    const given = new Set();
    for (const name of Object.keys(values)) {
      const where = jsonPath([name]);
      const key = byLower.get(name.toLowerCase());
      if (key === undefined) {
        problems.push(`${where}: the template has no parameter '${name}'`);
        continue;
      }
      given.add(key);
      const spec = isPlainObject(tparams[key]) ? tparams[key] : {};
      for (const m of valueProblems(spec, values[name])) problems.push(`${where}: ${m}`);
    }
    for (const name of Object.keys(tparams)) {
      const spec = tparams[name];
      if (!given.has(name) && isPlainObject(spec) && !hasOwn(spec, "defaultValue")) {
        problems.push(`${jsonPath([name])}: no value for a parameter without a default`);
      }
    }
    return problems;
  }

  function valueProblems(spec, value) {
    const ptype = String(hasOwn(spec, "type") ? spec.type : "").toLowerCase();
    if (value === null || value === undefined) return [`null is not a valid ${ptype || "value"}`];
    if (isExpression(value)) return [`${describe(value)} is an unevaluated expression, not a value`];
    if (!paramTypeOk(ptype, value)) return [`${describe(value)} is not of type ${spec.type === undefined ? "None" : spec.type}`];
    const out = [];
    const allowed = spec.allowedValues;
    if (Array.isArray(allowed)) {
      const items = ptype === "array" ? value : [value];
      const bad = items.filter((v) => !allowed.some((a) => sameParam(v, a)));
      if (bad.length) out.push(`${bad.map(describe).join(", ")} not in allowedValues ${pyRepr(allowed)}`);
    }
    const isInt = (x) => isNum(x) && Number.isInteger(x);
    if (ptype === "int") {
      if (isInt(spec.minValue) && value < spec.minValue) out.push(`${value} is less than minValue ${spec.minValue}`);
      if (isInt(spec.maxValue) && value > spec.maxValue) out.push(`${value} is more than maxValue ${spec.maxValue}`);
    }
    if (ptype === "string" || ptype === "securestring" || ptype === "array") {
      const n = ptype === "array" ? value.length : Array.from(value).length;
      const what = ptype !== "array" ? "characters" : "items";
      if (isInt(spec.minLength) && n < spec.minLength) out.push(`${n} ${what}, fewer than minLength ${spec.minLength}`);
      if (isInt(spec.maxLength) && n > spec.maxLength) out.push(`${n} ${what}, more than maxLength ${spec.maxLength}`);
    }
    return out;
  }

  function sameParam(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return a === b;
    if (isNum(a) && isNum(b)) return a === b;
    if (typeName(a) !== typeName(b)) return false;
    if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameParam(x, b[i]));
    if (isPlainObject(a)) {
      const ka = Object.keys(a);
      return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && sameParam(a[k], b[k]));
    }
    return a === b;
  }

  return {
    EvaluationError, UnknownFunction, UnsupportedControl, DocumentError, WizardInputError,
    View, Scope, Environment, Wizard, Outcome, CONTROL_TYPES, TEXT_TYPES, PLACEHOLDER, BASICS,
    parse, evaluate, isExpression, literal, equal, plain, typeName, toString, pyRepr, jsonPath,
    jsRegexSearch, functionNames, checkParameters, keyOf, labelOf, isPlainObject, MISSING,
  };
});
