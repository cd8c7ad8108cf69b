//! [`BodyBetas`]: betas a request needs because of what its body holds.

use std::collections::BTreeMap;

/// A request value some of whose parts need betas: a document or image block with a `file`
/// source needs the Files API beta, wherever it sits in the conversation.
///
/// The generated crate implements this for every request type that may hold such a part (the
/// spec marks the part's schema with `x-anthropic-beta`), and the endpoint methods add what it
/// collects to the request's `anthropic-beta` header, next to the client's and the call's own
/// betas. A program rarely calls it, except to see what a request will send.
pub trait BodyBetas {
    /// Appends the betas this value needs to `out` (possibly repeating names already there;
    /// the header lists each name once).
    fn body_betas(&self, out: &mut Vec<&'static str>);
}

impl<T: BodyBetas + ?Sized> BodyBetas for &T {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        (**self).body_betas(out);
    }
}

impl<T: BodyBetas + ?Sized> BodyBetas for Box<T> {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        (**self).body_betas(out);
    }
}

impl<T: BodyBetas> BodyBetas for Option<T> {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        if let Some(value) = self {
            value.body_betas(out);
        }
    }
}

impl<T: BodyBetas> BodyBetas for [T] {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        for value in self {
            value.body_betas(out);
        }
    }
}

impl<T: BodyBetas> BodyBetas for Vec<T> {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        self.as_slice().body_betas(out);
    }
}

impl<T: BodyBetas> BodyBetas for BTreeMap<String, T> {
    fn body_betas(&self, out: &mut Vec<&'static str>) {
        for value in self.values() {
            value.body_betas(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Needs(&'static str);
    impl BodyBetas for Needs {
        fn body_betas(&self, out: &mut Vec<&'static str>) {
            out.push(self.0);
        }
    }

    #[test]
    fn containers_walk_every_value() {
        let mut out = Vec::new();
        let nested: Vec<Option<Box<Needs>>> =
            vec![Some(Box::new(Needs("a"))), None, Some(Box::new(Needs("b")))];
        nested.body_betas(&mut out);
        let map: BTreeMap<String, Needs> = [("k".to_string(), Needs("c"))].into();
        map.body_betas(&mut out);
        assert_eq!(out, ["a", "b", "c"]);
    }
}
