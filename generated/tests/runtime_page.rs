//! Auto-pagination over fake fetch functions that record what they were asked.

use std::sync::{Arc, Mutex};

use anthropic_openapi::{Error, Result};
use anthropic_openapi_runtime::page::{
    CursorPage, CursorParams, PageParams, TokenPage, cursor_stream, page_stream,
};
use futures::StreamExt;

#[derive(Clone, Debug, Default)]
struct Params {
    after_id: Option<String>,
    before_id: Option<String>,
    limit: u32,
}

impl CursorParams for Params {
    fn after_id(&self) -> Option<&str> {
        self.after_id.as_deref()
    }
    fn before_id(&self) -> Option<&str> {
        self.before_id.as_deref()
    }
    fn set_after_id(&mut self, v: Option<String>) {
        self.after_id = v;
    }
    fn set_before_id(&mut self, v: Option<String>) {
        self.before_id = v;
    }
}

struct Page {
    data: Vec<String>,
    has_more: bool,
}

impl CursorPage for Page {
    type Item = String;
    fn has_more(&self) -> bool {
        self.has_more
    }
    fn first_id(&self) -> Option<&str> {
        self.data.first().map(String::as_str)
    }
    fn last_id(&self) -> Option<&str> {
        self.data.last().map(String::as_str)
    }
    fn into_items(self) -> Vec<String> {
        self.data
    }
}

/// The (after_id, before_id) of every fetch.
type Log = Arc<Mutex<Vec<(Option<String>, Option<String>)>>>;

const ALL: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];

/// A fake list endpoint over `ALL`, two items per page, recording (after_id, before_id).
fn fake_list(log: Log) -> impl FnMut(Params) -> std::future::Ready<Result<Page>> + Send + 'static {
    move |p: Params| {
        log.lock()
            .unwrap()
            .push((p.after_id.clone(), p.before_id.clone()));
        let n = p.limit as usize;
        let pos = |id: &str| ALL.iter().position(|x| *x == id).unwrap();
        let (start, end) = match (&p.after_id, &p.before_id) {
            (Some(a), _) => (pos(a) + 1, (pos(a) + 1 + n).min(ALL.len())),
            (None, Some(b)) => (pos(b).saturating_sub(n), pos(b)),
            (None, None) => (0, n.min(ALL.len())),
        };
        let has_more = if p.before_id.is_some() && p.after_id.is_none() {
            start > 0
        } else {
            end < ALL.len()
        };
        std::future::ready(Ok(Page {
            data: ALL[start..end].iter().map(|s| s.to_string()).collect(),
            has_more,
        }))
    }
}

#[tokio::test]
async fn cursor_pages_forward_over_several_pages() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let params = Params {
        limit: 3,
        ..Params::default()
    };
    let items: Vec<String> = cursor_stream(params, fake_list(log.clone()))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, ALL);
    let log = log.lock().unwrap().clone();
    let afters: Vec<Option<&str>> = log.iter().map(|(a, _)| a.as_deref()).collect();
    assert_eq!(afters, [None, Some("c"), Some("f")]);
    assert!(log.iter().all(|(_, b)| b.is_none()));
}

#[tokio::test]
async fn cursor_pages_backward_from_before_id() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let params = Params {
        before_id: Some("g".into()),
        limit: 2,
        ..Params::default()
    };
    let items: Vec<String> = cursor_stream(params, fake_list(log.clone()))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, ["e", "f", "c", "d", "a", "b"]);
    let befores: Vec<Option<String>> = log.lock().unwrap().iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(
        befores,
        [Some("g".into()), Some("e".into()), Some("c".into())]
    );
}

#[tokio::test]
async fn cursor_stream_is_lazy() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let params = Params {
        limit: 2,
        ..Params::default()
    };
    let stream = cursor_stream(params, fake_list(log.clone()));
    assert!(
        log.lock().unwrap().is_empty(),
        "nothing fetched before polling"
    );
    let first: Vec<String> = stream.take(3).map(Result::unwrap).collect().await;
    assert_eq!(first, ["a", "b", "c"]);
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn cursor_stream_stops_without_a_cursor_and_on_errors() {
    // has_more but an empty page: no cursor to go on with.
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let stream = cursor_stream(Params::default(), move |_p: Params| {
        *c.lock().unwrap() += 1;
        async {
            Ok(Page {
                data: vec![],
                has_more: true,
            })
        }
    });
    assert_eq!(stream.count().await, 0);
    assert_eq!(*calls.lock().unwrap(), 1);

    // An error is yielded and ends the stream.
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let stream = cursor_stream(Params::default(), move |p: Params| {
        *c.lock().unwrap() += 1;
        async move {
            match p.after_id {
                None => Ok(Page {
                    data: vec!["x".into()],
                    has_more: true,
                }),
                Some(_) => Err(Error::Stream("boom".into())),
            }
        }
    });
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), "x");
    assert!(matches!(&items[1], Err(Error::Stream(m)) if m == "boom"));
    assert_eq!(*calls.lock().unwrap(), 2);
}

#[derive(Clone, Default)]
struct UsageParams {
    page: Option<String>,
}

impl PageParams for UsageParams {
    fn set_page(&mut self, v: Option<String>) {
        self.page = v;
    }
}

struct UsagePage {
    data: Vec<u32>,
    has_more: bool,
    next_page: Option<String>,
}

impl TokenPage for UsagePage {
    type Item = u32;
    fn has_more(&self) -> bool {
        self.has_more
    }
    fn next_page(&self) -> Option<&str> {
        self.next_page.as_deref()
    }
    fn into_items(self) -> Vec<u32> {
        self.data
    }
}

#[tokio::test]
async fn page_tokens_are_followed_until_has_more_is_false() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let stream = page_stream(UsageParams::default(), move |p: UsageParams| {
        l.lock().unwrap().push(p.page.clone());
        let page = match p.page.as_deref() {
            None => UsagePage {
                data: vec![1, 2],
                has_more: true,
                next_page: Some("p2".into()),
            },
            Some("p2") => UsagePage {
                data: vec![3],
                has_more: true,
                next_page: Some("p3".into()),
            },
            Some("p3") => UsagePage {
                data: vec![4],
                has_more: false,
                next_page: Some("p4".into()),
            },
            Some(other) => panic!("unexpected page {other}"),
        };
        async move { Ok(page) }
    });
    let items: Vec<u32> = stream.map(Result::unwrap).collect().await;
    assert_eq!(items, [1, 2, 3, 4]);
    assert_eq!(
        *log.lock().unwrap(),
        [None, Some("p2".into()), Some("p3".into())]
    );
}

#[tokio::test]
async fn page_stream_stops_when_the_token_does_not_move() {
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let stream = page_stream(UsageParams::default(), move |_p: UsageParams| {
        *c.lock().unwrap() += 1;
        async {
            Ok(UsagePage {
                data: vec![7],
                has_more: true,
                next_page: Some("same".into()),
            })
        }
    });
    let items: Vec<u32> = stream.map(Result::unwrap).collect().await;
    assert_eq!(items, [7, 7]);
    assert_eq!(*calls.lock().unwrap(), 2);
}
