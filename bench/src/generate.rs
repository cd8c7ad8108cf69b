//! The benchmark inputs, made by this crate: a streamed message (`stream.sse`), one large
//! `Message` (`message.json`) and Message Batch results (`results.jsonl`).
//!
//! The text comes from a fixed list of words drawn by a small seeded generator
//! ([`SplitMix64`]), so the same `scale` always gives the same bytes on every machine. The
//! words mix plain ASCII with accented letters, Greek, CJK, emoji, backticks, double quotes,
//! an apostrophe and a backslash, so that decoders have escapes and multi-byte text to get
//! through. JSON is written with `", "` and `": "` between items, as Python's `json.dumps`
//! writes it (non-ASCII text is not escaped), so that a line of the results starts with
//! `{"custom_id": "` (which `bench-runtime make-large` relies on).
//!
//! At scale 1:
//!
//! | file | content |
//! |---|---|
//! | `stream.sse` | `message_start`; a thinking block of 5,000 `thinking_delta`s and one `signature_delta`; a text block of 10,000 `text_delta`s with a `ping` before every 1,000th; a `tool_use` block whose input (a JSON object with 500 items) arrives in 7,500 `input_json_delta`s; `message_delta` (`stop_reason: tool_use`); `message_stop`. About 3 MB. |
//! | `message.json` | a `Message` with one thinking block of 2,000 words, then 200 pairs of a 200-word text block and a `tool_use` block. About 270 KB. |
//! | `results.jsonl` | 20,000 batch results, about 85 % `succeeded` (a 60-word message each), the rest `errored`, `canceled` or `expired`. About 15 MB. |
//!
//! Every count scales with `scale`.

use std::fmt::Write as _;

/// The seed of every file; each file draws from its own stream (the seed plus the file's
/// number), so that one can be made without the others.
pub const SEED: u64 = 0x0BE4_C45E_ED00_0001;

/// Changes whenever the generator's output changes, so that inputs made by an older
/// version are made again ([`crate::make_inputs`] compares it with the stamp it wrote).
pub const VERSION: u32 = 1;

/// `thinking_delta`s per unit of scale.
pub const THINKING_DELTAS: usize = 5_000;
/// `text_delta`s per unit of scale.
pub const TEXT_DELTAS: usize = 10_000;
/// A `ping` comes before every this many text deltas (starting with the first).
pub const PING_EVERY: usize = 1_000;
/// Items of the tool input per unit of scale.
pub const TOOL_ITEMS: usize = 500;
/// `input_json_delta`s per unit of scale: the tool input cut into pieces of (nearly) equal
/// length in characters (two or three at scale 1).
pub const TOOL_DELTAS: usize = 7_500;
/// Words of the thinking block of `message.json` per unit of scale.
pub const MESSAGE_THINKING_WORDS: usize = 2_000;
/// Text/`tool_use` pairs of `message.json` per unit of scale.
pub const MESSAGE_PAIRS: usize = 200;
/// Lines of `results.jsonl` per unit of scale.
pub const RESULTS: usize = 20_000;
/// Of every 100 results, about this many succeed; the rest are split evenly between
/// `errored`, `canceled` and `expired`.
pub const SUCCEEDED_PERCENT: u64 = 85;

/// The words the text is made of.
const WORDS: &[&str] = &[
    "an",
    "stream",
    "of",
    "bytes",
    "reaches",
    "the",
    "parser",
    "and",
    "every",
    "delta",
    "lines",
    "café",
    "über",
    "año",
    "Ωμέγα",
    "中文",
    "🦀",
    "✨",
    "`let",
    "n",
    "=",
    "0;`",
    "\"hi\"",
    "C:\\tmp",
    "it's",
];

/// SplitMix64 (Steele, Lea and Flood): a 64-bit state advanced by a constant, and a mix of
/// it as output. Small, fast and good enough to pick words; not for cryptography.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift: the bias is below 2^-32 for the small
    /// `n` used here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// `n` words drawn from [`WORDS`], joined by spaces.
fn words(rng: &mut SplitMix64, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    out
}

/// A JSON value, with object members kept in the order written.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

fn s(text: impl Into<String>) -> Json {
    Json::Str(text.into())
}

fn int(n: usize) -> Json {
    Json::Int(i64::try_from(n).expect("counts fit in an i64"))
}

fn obj(members: Vec<(&'static str, Json)>) -> Json {
    Json::Obj(members)
}

impl Json {
    /// Appends the JSON text, with `", "` and `": "` as separators.
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => write!(out, "{n}").expect("writing to a String"),
            Json::Float(x) => write!(out, "{x:?}").expect("writing to a String"),
            Json::Str(text) => write_str(text, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str(name, out);
                    out.push_str(": ");
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped, everything else
/// (non-ASCII included) as is.
fn write_str(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).expect("to a String"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Token counts as the API reports them at the start of a message.
fn usage() -> Json {
    obj(vec![
        ("input_tokens", Json::Int(1234)),
        ("output_tokens", Json::Int(1)),
        ("cache_creation_input_tokens", Json::Int(0)),
        ("cache_read_input_tokens", Json::Int(0)),
        (
            "cache_creation",
            obj(vec![
                ("ephemeral_5m_input_tokens", Json::Int(0)),
                ("ephemeral_1h_input_tokens", Json::Int(0)),
            ]),
        ),
        ("server_tool_use", Json::Null),
        ("service_tier", s("standard")),
    ])
}

/// A `Message` object with `content`.
fn message_object(id: String, model: &str, content: Vec<Json>, stop_reason: Option<&str>) -> Json {
    obj(vec![
        ("id", s(id)),
        ("type", s("message")),
        ("role", s("assistant")),
        ("model", s(model)),
        ("content", Json::Arr(content)),
        ("stop_reason", stop_reason.map_or(Json::Null, s)),
        ("stop_sequence", Json::Null),
        ("usage", usage()),
    ])
}

/// One server-sent event: `event: NAME`, `data: JSON`, a blank line.
fn event(out: &mut String, name: &str, data: Json) {
    out.push_str("event: ");
    out.push_str(name);
    out.push_str("\ndata: ");
    data.write(out);
    out.push_str("\n\n");
}

fn block_start(out: &mut String, index: usize, block: Json) {
    event(
        out,
        "content_block_start",
        obj(vec![
            ("type", s("content_block_start")),
            ("index", int(index)),
            ("content_block", block),
        ]),
    );
}

fn block_delta(out: &mut String, index: usize, delta: Json) {
    event(
        out,
        "content_block_delta",
        obj(vec![
            ("type", s("content_block_delta")),
            ("index", int(index)),
            ("delta", delta),
        ]),
    );
}

fn block_stop(out: &mut String, index: usize) {
    event(
        out,
        "content_block_stop",
        obj(vec![
            ("type", s("content_block_stop")),
            ("index", int(index)),
        ]),
    );
}

/// A base64-looking signature of `len` characters.
fn signature(rng: &mut SplitMix64, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len)
        .map(|_| char::from(ALPHABET[rng.below(64) as usize]))
        .collect()
}

/// The tool input the stream's `tool_use` block carries, as JSON text: a `city` and
/// `TOOL_ITEMS * scale` small objects.
fn tool_input(rng: &mut SplitMix64, scale: usize) -> String {
    let city = words(rng, 4);
    let items = (0..TOOL_ITEMS * scale)
        .map(|i| obj(vec![("id", int(i)), ("note", s(words(rng, 2)))]))
        .collect();
    obj(vec![("city", s(city)), ("items", Json::Arr(items))]).text()
}

/// `stream.sse` at `scale`: a streamed message with a thinking, a text and a `tool_use`
/// block, as `messages().stream` receives it.
pub fn stream(scale: u32) -> String {
    let scale = scale as usize;
    let mut rng = SplitMix64::new(SEED);
    let mut out = String::new();
    event(
        &mut out,
        "message_start",
        obj(vec![
            ("type", s("message_start")),
            (
                "message",
                message_object(
                    "msg_bench_stream_0001".into(),
                    "claude-sonnet-4-5",
                    Vec::new(),
                    None,
                ),
            ),
        ]),
    );

    block_start(
        &mut out,
        0,
        obj(vec![
            ("type", s("thinking")),
            ("thinking", s("")),
            ("signature", s("")),
        ]),
    );
    for _ in 0..THINKING_DELTAS * scale {
        let thinking = words(&mut rng, 3);
        block_delta(
            &mut out,
            0,
            obj(vec![
                ("type", s("thinking_delta")),
                ("thinking", s(thinking)),
            ]),
        );
    }
    let sig = signature(&mut rng, 96);
    block_delta(
        &mut out,
        0,
        obj(vec![("type", s("signature_delta")), ("signature", s(sig))]),
    );
    block_stop(&mut out, 0);

    block_start(
        &mut out,
        1,
        obj(vec![
            ("type", s("text")),
            ("text", s("")),
            ("citations", Json::Null),
        ]),
    );
    for i in 0..TEXT_DELTAS * scale {
        if i % PING_EVERY == 0 {
            event(&mut out, "ping", obj(vec![("type", s("ping"))]));
        }
        let text = words(&mut rng, 2);
        block_delta(
            &mut out,
            1,
            obj(vec![("type", s("text_delta")), ("text", s(text))]),
        );
    }
    block_stop(&mut out, 1);

    block_start(
        &mut out,
        2,
        obj(vec![
            ("type", s("tool_use")),
            ("id", s("toolu_bench_stream")),
            ("name", s("find_forecast")),
            ("input", obj(Vec::new())),
        ]),
    );
    let input: Vec<char> = tool_input(&mut rng, scale).chars().collect();
    // `TOOL_DELTAS * scale` pieces of (nearly) equal length, cut between characters so that
    // none splits a UTF-8 sequence.
    let pieces = TOOL_DELTAS * scale;
    for i in 0..pieces {
        let partial: String = input[i * input.len() / pieces..(i + 1) * input.len() / pieces]
            .iter()
            .collect();
        block_delta(
            &mut out,
            2,
            obj(vec![
                ("type", s("input_json_delta")),
                ("partial_json", s(partial)),
            ]),
        );
    }
    block_stop(&mut out, 2);

    event(
        &mut out,
        "message_delta",
        obj(vec![
            ("type", s("message_delta")),
            (
                "delta",
                obj(vec![
                    ("stop_reason", s("tool_use")),
                    ("stop_sequence", Json::Null),
                ]),
            ),
            (
                "usage",
                obj(vec![
                    ("output_tokens", int(4 * THINKING_DELTAS * scale)),
                    ("input_tokens", Json::Null),
                    ("cache_creation_input_tokens", Json::Null),
                    ("cache_read_input_tokens", Json::Null),
                    ("server_tool_use", Json::Null),
                ]),
            ),
        ]),
    );
    event(
        &mut out,
        "message_stop",
        obj(vec![("type", s("message_stop"))]),
    );
    out
}

/// `message.json` at `scale`: one large `Message`, as `messages().create` receives it.
pub fn message(scale: u32) -> String {
    let scale = scale as usize;
    let mut rng = SplitMix64::new(SEED + 1);
    let mut content = vec![obj(vec![
        ("type", s("thinking")),
        (
            "thinking",
            s(words(&mut rng, MESSAGE_THINKING_WORDS * scale)),
        ),
        ("signature", s("c2lnbmF0dXJl")),
    ])];
    for i in 0..MESSAGE_PAIRS * scale {
        content.push(obj(vec![
            ("type", s("text")),
            ("text", s(words(&mut rng, 200))),
            ("citations", Json::Null),
        ]));
        content.push(obj(vec![
            ("type", s("tool_use")),
            ("id", s(format!("toolu_{i:05}"))),
            ("name", s("search")),
            (
                "input",
                obj(vec![
                    ("query", s(words(&mut rng, 5))),
                    ("page", int(i)),
                    (
                        "options",
                        obj(vec![(
                            "mix",
                            Json::Arr(vec![
                                Json::Int(7),
                                Json::Float(0.25),
                                Json::Bool(false),
                                Json::Null,
                            ]),
                        )]),
                    ),
                ]),
            ),
        ]));
    }
    message_object(
        "msg_bench_large".into(),
        "claude-sonnet-4-5",
        content,
        Some("end_turn"),
    )
    .text()
}

/// `results.jsonl` at `scale`: Message Batch results, one JSON object a line, as
/// `messages().batches().results` receives them.
pub fn results(scale: u32) -> String {
    let mut rng = SplitMix64::new(SEED + 2);
    let mut out = String::new();
    for i in 0..RESULTS * scale as usize {
        let roll = rng.below(100);
        let result = if roll < SUCCEEDED_PERCENT {
            let text = obj(vec![
                ("type", s("text")),
                ("text", s(words(&mut rng, 60))),
                ("citations", Json::Null),
            ]);
            obj(vec![
                ("type", s("succeeded")),
                (
                    "message",
                    message_object(
                        format!("msg_b{i:06}"),
                        "claude-haiku-4-5",
                        vec![text],
                        Some("end_turn"),
                    ),
                ),
            ])
        } else {
            match (roll - SUCCEEDED_PERCENT) % 3 {
                0 => obj(vec![
                    ("type", s("errored")),
                    (
                        "error",
                        obj(vec![
                            ("type", s("error")),
                            (
                                "error",
                                obj(vec![
                                    ("type", s("invalid_request_error")),
                                    ("message", s("messages: at least one message is required")),
                                ]),
                            ),
                            ("request_id", Json::Null),
                        ]),
                    ),
                ]),
                1 => obj(vec![("type", s("canceled"))]),
                _ => obj(vec![("type", s("expired"))]),
            }
        };
        obj(vec![
            ("custom_id", s(format!("req-{i}"))),
            ("result", result),
        ])
        .write(&mut out);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// The `data:` lines of an SSE text, each parsed, with the `event:` name before it.
    fn events(sse: &str) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for block in sse.split_terminator("\n\n") {
            let mut lines = block.lines();
            let name = lines
                .next()
                .and_then(|l| l.strip_prefix("event: "))
                .unwrap();
            let data = lines.next().and_then(|l| l.strip_prefix("data: ")).unwrap();
            assert_eq!(lines.next(), None, "one data line per event: {block}");
            let value: Value = serde_json::from_str(data)
                .unwrap_or_else(|e| panic!("data line is not JSON ({e}): {data}"));
            assert_eq!(value["type"], name, "the event name is the data's type");
            out.push((name.to_string(), value));
        }
        out
    }

    #[test]
    fn the_same_bytes_every_time() {
        assert_eq!(stream(1), stream(1));
        assert_eq!(message(1), message(1));
        assert_eq!(results(1), results(1));
        // And another scale is another input.
        assert_ne!(message(1), message(2));
    }

    #[test]
    fn the_stream_has_the_designed_events() {
        let sse = stream(1);
        assert!(sse.ends_with("\n\n"));
        let events = events(&sse);
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let mut tool_input = String::new();
        for (name, data) in &events {
            let kind = match name.as_str() {
                "content_block_delta" => {
                    let delta = &data["delta"];
                    if let Some(p) = delta["partial_json"].as_str() {
                        tool_input.push_str(p);
                    }
                    delta["type"].as_str().unwrap().to_string()
                }
                _ => name.clone(),
            };
            *kinds.entry(kind).or_default() += 1;
        }
        assert_eq!(events[0].0, "message_start");
        assert_eq!(events[events.len() - 1].0, "message_stop");
        assert_eq!(kinds["content_block_start"], 3);
        assert_eq!(kinds["content_block_stop"], 3);
        assert_eq!(kinds["thinking_delta"], THINKING_DELTAS);
        assert_eq!(kinds["signature_delta"], 1);
        assert_eq!(kinds["text_delta"], TEXT_DELTAS);
        assert_eq!(kinds["ping"], TEXT_DELTAS / PING_EVERY);
        assert_eq!(kinds["input_json_delta"], TOOL_DELTAS);
        let input: Value = serde_json::from_str(&tool_input).expect("the pieces join to JSON");
        assert_eq!(input["items"].as_array().unwrap().len(), TOOL_ITEMS);
        let (_, message_delta) = &events[events.len() - 2];
        assert_eq!(message_delta["delta"]["stop_reason"], "tool_use");
        // About the size of the inputs measured in BENCHMARKS.md (3.1 MB).
        assert!((2_800_000..3_400_000).contains(&sse.len()), "{}", sse.len());
    }

    #[test]
    fn the_message_has_the_designed_blocks() {
        let text = message(1);
        let message: Value = serde_json::from_str(&text).unwrap();
        let content = message["content"].as_array().unwrap();
        assert_eq!(content.len(), 1 + 2 * MESSAGE_PAIRS);
        assert_eq!(content[0]["type"], "thinking");
        let count = |kind: &str| content.iter().filter(|b| b["type"] == kind).count();
        assert_eq!(count("text"), MESSAGE_PAIRS);
        assert_eq!(count("tool_use"), MESSAGE_PAIRS);
        assert_eq!(message["stop_reason"], "end_turn");
        assert!((250_000..300_000).contains(&text.len()), "{}", text.len());
        // The generated type reads it, as the benchmarks do.
        let typed: anthropic_openapi::Message = serde_json::from_str(&text).unwrap();
        assert_eq!(typed.content.len(), content.len());
    }

    #[test]
    fn the_results_have_the_designed_mix() {
        let text = results(1);
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let mut lines = 0;
        for (i, line) in text.lines().enumerate() {
            assert!(line.starts_with(r#"{"custom_id": "req-"#), "{line}");
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {i} is not JSON ({e}): {line}"));
            assert_eq!(value["custom_id"], format!("req-{i}"));
            *kinds
                .entry(value["result"]["type"].as_str().unwrap().to_string())
                .or_default() += 1;
            lines += 1;
        }
        assert_eq!(lines, RESULTS);
        let share = |kind: &str| kinds[kind] as f64 / RESULTS as f64;
        assert!((0.83..0.87).contains(&share("succeeded")), "{kinds:?}");
        for kind in ["errored", "canceled", "expired"] {
            assert!((0.04..0.06).contains(&share(kind)), "{kinds:?}");
        }
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        assert!(
            (14_000_000..16_000_000).contains(&text.len()),
            "{}",
            text.len()
        );
    }

    #[test]
    fn escapes_and_non_ascii_text_are_exercised() {
        let all = format!("{}{}{}", stream(1), message(1), results(1));
        for needle in [
            "\\\"hi\\\"",
            "C:\\\\tmp",
            "`let",
            "🦀",
            "中文",
            "café",
            "it's",
        ] {
            assert!(all.contains(needle), "no {needle}");
        }
    }

    #[test]
    fn strings_are_escaped_as_json() {
        let text = "a \"q\" \\ \n \u{1} é 🦀";
        let mut out = String::new();
        write_str(text, &mut out);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
        assert_eq!(out, r#""a \"q\" \\ \n \u0001 é 🦀""#);
    }

    #[test]
    fn splitmix64_matches_its_reference_output() {
        // The first outputs for seed 1234567 of the reference C implementation
        // (https://prng.di.unimi.it/splitmix64.c).
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
        let mut rng = SplitMix64::new(9);
        assert!((0..1000).all(|_| rng.below(7) < 7));
    }
}
