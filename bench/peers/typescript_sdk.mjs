#!/usr/bin/env node
// The official Anthropic TypeScript SDK (`@anthropic-ai/sdk`, on Node.js) running the jobs of
// `cargo xtask bench runtime`, as bench/peers/python_sdk.py does with the Python SDK.
//
//     node typescript_sdk.mjs PORT JOB
//
// JOB is one of:
//
//     noop     import the SDK and build a client, send nothing (start-up cost)
//     stream   one streamed message (`messages.stream`, `finalMessage()`); prints the number
//              of blocks, the lengths of the text and of the thinking, and len(str(tool
//              input)) as Python computes it
//     message  fifty messages, not streamed; prints the number of blocks of the last one
//     results  the results of one batch; prints how many there are and how many succeeded
//
// The server is `bench-runtime serve DIR` on 127.0.0.1:PORT. `bench-runtime PORT JOB` does the
// same work with the generated Rust client and must print the same line.
//
// The xtask installs the pinned SDK into .tools/bench-node and copies this file there to run
// it, so that `@anthropic-ai/sdk` resolves from that directory's node_modules.
//
// Lengths are in code points, as Python's `len` counts them (a JavaScript string's `length`
// counts UTF-16 units). `len(str(tool input))` is Python's `str()` of the parsed input,
// computed here as `bench/src/pyrepr.rs` computes it for the Rust side. `JSON.parse` does not
// keep `2.0` apart from `2`, so a float with an integral value would be counted as an int;
// the stream's tool input has only strings and integers.

import Anthropic from '@anthropic-ai/sdk';

const MODEL = 'claude-sonnet-4-5';

function params() {
  return {
    model: MODEL,
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'hi' }],
  };
}

/** The number of code points in `s`. */
function codePoints(s) {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** `len(repr(s))` for a Python `str`. */
function strReprLen(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let n = 2;
  for (const c of s) {
    const code = c.codePointAt(0);
    if (c === '\\' || c === '\t' || c === '\n' || c === '\r' || c === quote) n += 2;
    else if (code < 0x20 || code === 0x7f) n += 4;
    else if ((code >= 0x80 && code <= 0xa0) || code === 0xad) n += 4;
    else n += 1;
  }
  return n;
}

/** Python's `repr()` of a float: shortest round-trip digits, positional for exponents -4..15. */
function floatRepr(x) {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp >= -4 && exp < 16) {
    const point = exp + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (digits.length <= point) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const expSign = exp < 0 ? '-' : '+';
  return `${sign}${digits[0]}${rest}e${expSign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `len(str(value))` in Python, for a value from `JSON.parse`. */
function reprLen(value) {
  if (value === null) return 4; // None
  if (value === true) return 4; // True
  if (value === false) return 5; // False
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value).length : floatRepr(value).length;
  }
  if (typeof value === 'string') return strReprLen(value);
  if (Array.isArray(value)) {
    let n = 2 + 2 * Math.max(value.length - 1, 0);
    for (const item of value) n += reprLen(item);
    return n;
  }
  const keys = Object.keys(value);
  let n = 2 + 2 * Math.max(keys.length - 1, 0);
  for (const key of keys) n += strReprLen(key) + 2 + reprLen(value[key]);
  return n;
}

async function runStream(client) {
  const final = await client.messages.stream(params()).finalMessage();
  const [thinking, text, tool] = final.content;
  return [final.content.length, codePoints(text.text), codePoints(thinking.thinking), reprLen(tool.input)];
}

async function runMessage(client) {
  let blocks = 0;
  for (let i = 0; i < 50; i += 1) {
    blocks = (await client.messages.create(params())).content.length;
  }
  return [blocks];
}

async function runResults(client) {
  let total = 0;
  let succeeded = 0;
  for await (const item of await client.messages.batches.results('msgbatch_bench')) {
    total += 1;
    if (item.result.type === 'succeeded') succeeded += 1;
  }
  return [total, succeeded];
}

const JOBS = {
  noop: async () => null,
  stream: runStream,
  message: runMessage,
  results: runResults,
};

async function main(argv) {
  if (argv.length !== 2 || !(argv[1] in JOBS)) {
    console.error(`usage: typescript_sdk.mjs PORT ${Object.keys(JOBS).join('|')}`);
    process.exit(2);
  }
  const client = new Anthropic({
    apiKey: 'k',
    baseURL: `http://127.0.0.1:${Number.parseInt(argv[0], 10)}`,
    maxRetries: 0,
  });
  const line = await JOBS[argv[1]](client);
  if (line !== null) console.log(line.join(' '));
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
