//! The length, in code points, of Python's `str()` of a JSON value as the Python SDK holds it
//! (dicts, lists, str, int, float, bool, None), so that the Rust jobs print the same
//! checksum line as `bench/peers/python_sdk.py`, which prints `len(str(tool_input))`.
//!
//! Exact for ASCII and for printable non-ASCII text; of the non-printable non-ASCII
//! characters only the Latin-1 ones (escaped as `\xNN`) are told apart, which covers the
//! benchmark inputs.

use serde_json::{Number, Value};

/// `len(str(value))` in Python.
pub fn repr_len(value: &Value) -> usize {
    match value {
        Value::Null => 4, // None
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        } // True / False
        Value::Number(n) => number_repr(n).chars().count(),
        Value::String(s) => str_repr_len(s),
        Value::Array(items) => {
            2 + items.iter().map(repr_len).sum::<usize>() + 2 * items.len().saturating_sub(1)
        }
        Value::Object(map) => {
            // `{'k': v, ...}`: each entry adds `: `, entries are joined by `, `.
            2 + map
                .iter()
                .map(|(k, v)| str_repr_len(k) + 2 + repr_len(v))
                .sum::<usize>()
                + 2 * map.len().saturating_sub(1)
        }
    }
}

/// Python's `repr()` of a number as `json.loads` gives it (an `int` or a `float`).
pub fn number_repr(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    float_repr(n.as_f64().unwrap_or(f64::NAN))
}

/// Python's `repr()` of a float: the shortest digits that round-trip, positional for
/// exponents from -4 to 15, otherwise `d.ddde±XX`.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // `{:e}` gives the shortest round-trip digits: `-1.25e-7`, `3e0`.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` has an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = usize::try_from(point).unwrap_or(0);
            if digits.len() <= point {
                let zeros = "0".repeat(point - digits.len());
                format!("{sign}{digits}{zeros}.0")
            } else {
                format!("{sign}{}.{}", &digits[..point], &digits[point..])
            }
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{rest}e{exp_sign}{:02}", exp.abs())
    }
}

/// `len(repr(s))` for a Python `str`.
pub fn str_repr_len(s: &str) -> usize {
    // Single quotes, unless the text has a single quote and no double quote.
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    2 + s
        .chars()
        .map(|c| match c {
            '\\' | '\t' | '\n' | '\r' => 2,
            c if c == quote => 2,
            c if (c as u32) < 0x20 || c as u32 == 0x7f => 4, // \xNN
            c if (0x80..=0xa0).contains(&(c as u32)) || c as u32 == 0xad => 4,
            _ => 1,
        })
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python() {
        // Values checked against CPython 3.11.
        assert_eq!(
            repr_len(&json!({"a": [1, 2.5, true, null]})),
            "{'a': [1, 2.5, True, None]}".len()
        );
        assert_eq!(
            str_repr_len("back\\slash \"q\""),
            "'back\\\\slash \"q\"'".len()
        );
        assert_eq!(str_repr_len("it's"), "\"it's\"".len());
        assert_eq!(str_repr_len("it's \"x\""), "'it\\'s \"x\"'".len());
        assert_eq!(str_repr_len("日本語 🎉"), 2 + 5);
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1.5e-5), "1.5e-05");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(123456.789), "123456.789");
        assert_eq!(float_repr(-2.5), "-2.5");
    }
}
