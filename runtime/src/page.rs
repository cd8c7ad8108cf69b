//! Auto-pagination: turning a one-page fetch function into a lazy stream of items.
//!
//! Two styles exist in the API: cursors (`after_id` / `before_id` in the query, `first_id` /
//! `last_id` / `has_more` in the response) and page tokens (`page` in the query, `next_page` /
//! `has_more` in the response, or `next_page` alone, where a non-null token means more).
//! Generated list methods implement the traits below for their parameter and page types and
//! call [`cursor_stream`] or [`page_stream`].
//!
//! A list whose server hands back a cursor (or token) already used by the same stream, while
//! still saying `has_more`, would be read forever; the stream notices it and ends with an
//! [`Error::Stream`] that names the cursor.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

use crate::error::{Error, Result};

/// How much of a repeated cursor an error message quotes, in characters.
const QUOTED_CURSOR: usize = 64;

/// The cursors (or page tokens) a stream has asked for pages with, to notice a list that
/// comes back to one of them.
///
/// Each cursor is kept as a 128-bit fingerprint (two independently keyed hashes), so memory
/// grows by 16 bytes a page however long the cursors are; two different cursors share a
/// fingerprint with a probability of about 2^-128 per pair.
struct Seen {
    keys: (RandomState, RandomState),
    prints: HashSet<(u64, u64)>,
}

impl Seen {
    fn new() -> Self {
        Seen {
            keys: (RandomState::new(), RandomState::new()),
            prints: HashSet::new(),
        }
    }

    /// Records `cursor`; false if it was recorded before.
    fn insert(&mut self, cursor: &str) -> bool {
        let print = (self.keys.0.hash_one(cursor), self.keys.1.hash_one(cursor));
        self.prints.insert(print)
    }

    /// The error that ends a stream whose server handed back `cursor` (the value of the query
    /// parameter `param`) a second time.
    fn cycle(&self, param: &str, cursor: &str, pages: usize) -> Error {
        let mut quoted: String = cursor.chars().take(QUOTED_CURSOR).collect();
        if quoted.len() < cursor.len() {
            quoted.push_str("...");
        }
        Error::Stream(format!(
            "pagination went in a circle: after {pages} page(s) the server said there were more \
             and gave `{param}` {quoted:?}, which this list had already been read from; \
             stopping rather than reading the same pages again",
        ))
    }
}

/// Every item of a paginated list, fetching pages lazily as it is polled: what the
/// `*_stream` list methods return.
///
/// It is [`Unpin`], so `.next().await` (from [`futures::StreamExt`]) works on it directly,
/// without pinning it first. Each item is a [`Result`]; an error (a failed page request, or a
/// list whose cursor came round again) is the last item.
#[must_use = "a stream does nothing unless polled"]
pub struct PageStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
}

impl<T> PageStream<T> {
    /// Wraps a stream of items.
    fn new(inner: impl Stream<Item = Result<T>> + Send + 'static) -> Self {
        PageStream {
            inner: Box::pin(inner),
        }
    }
}

impl<T> Stream for PageStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

/// Query parameters of a cursor-paginated list.
pub trait CursorParams: Clone + Send + 'static {
    /// The `after_id` cursor.
    fn after_id(&self) -> Option<&str>;
    /// The `before_id` cursor.
    fn before_id(&self) -> Option<&str>;
    /// Sets the `after_id` cursor.
    fn set_after_id(&mut self, v: Option<String>);
    /// Sets the `before_id` cursor.
    fn set_before_id(&mut self, v: Option<String>);
}

/// One page of a cursor-paginated list.
pub trait CursorPage {
    /// The type of the listed items.
    type Item;
    /// Whether more items exist in the direction of travel.
    fn has_more(&self) -> bool;
    /// The id of the first item of the page, the cursor for the previous page.
    fn first_id(&self) -> Option<&str>;
    /// The id of the last item of the page, the cursor for the next page.
    fn last_id(&self) -> Option<&str>;
    /// The items of the page, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Query parameters of a page-token list.
pub trait PageParams: Clone + Send + 'static {
    /// Sets the `page` token.
    fn set_page(&mut self, v: Option<String>);
}

/// One page of a page-token list.
pub trait TokenPage {
    /// The type of the listed items.
    type Item;
    /// Whether another page exists.
    fn has_more(&self) -> bool;
    /// The token of the next page.
    fn next_page(&self) -> Option<&str>;
    /// The items of the page, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// State shared by both pagination styles: the parameters of the next fetch (none once the
/// last page is in), the items of the current page not yet yielded, the cursors used so far,
/// and the error to end with once the items are out.
struct State<P, F, I> {
    next: Option<P>,
    fetch: F,
    items: VecDeque<I>,
    seen: Seen,
    error: Option<Error>,
    /// The pages fetched so far.
    pages: usize,
}

impl<P, F, I> State<P, F, I> {
    fn new(next: P, fetch: F) -> Self {
        State {
            next: Some(next),
            fetch,
            items: VecDeque::new(),
            seen: Seen::new(),
            error: None,
            pages: 0,
        }
    }

    /// The next item to yield: one of the current page, else the pending error (which ends
    /// the stream, since no fetch is left), else none (fetch the next page).
    fn pending(&mut self) -> Option<Result<I>> {
        if let Some(item) = self.items.pop_front() {
            return Some(Ok(item));
        }
        self.error.take().map(Err)
    }
}

/// Streams every item of a cursor-paginated list, fetching pages lazily.
///
/// Pages forward (`last_id` becomes the next `after_id`) unless `params` starts with a
/// `before_id` and no `after_id`, in which case it pages backward (`first_id` becomes the next
/// `before_id`). It stops when `has_more` is false or the next cursor is missing (or would not
/// move); an error is yielded and ends the stream. A cursor that this stream already fetched a
/// page with (the starting one included) ends it with an [`Error::Stream`] naming the cursor,
/// after the items of the page that gave it.
pub fn cursor_stream<P, Pg, F, Fut>(params: P, fetch: F) -> PageStream<Pg::Item>
where
    P: CursorParams,
    Pg: CursorPage + Send + 'static,
    Pg::Item: Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Pg>> + Send + 'static,
{
    let backward = params.before_id().is_some() && params.after_id().is_none();
    let (param, start) = if backward {
        ("before_id", params.before_id())
    } else {
        ("after_id", params.after_id())
    };
    let mut seen = Seen::new();
    if let Some(start) = start {
        seen.insert(start);
    }
    let mut state = State::new(params, fetch);
    state.seen = seen;
    PageStream::new(futures::stream::unfold(state, move |mut st| async move {
        loop {
            if let Some(item) = st.pending() {
                return Some((item, st));
            }
            let params = st.next.take()?;
            let page = match (st.fetch)(params.clone()).await {
                Ok(page) => {
                    st.pages += 1;
                    page
                }
                Err(e) => return Some((Err(e), st)),
            };
            let (current, cursor) = if backward {
                (params.before_id(), page.first_id())
            } else {
                (params.after_id(), page.last_id())
            };
            if page.has_more()
                && let Some(cursor) = cursor
                && current != Some(cursor)
            {
                if !st.seen.insert(cursor) {
                    st.error = Some(st.seen.cycle(param, cursor, st.pages));
                    st.items.extend(page.into_items());
                    continue;
                }
                let cursor = cursor.to_string();
                let mut next = params;
                if backward {
                    next.set_before_id(Some(cursor));
                } else {
                    next.set_after_id(Some(cursor));
                }
                st.next = Some(next);
            }
            st.items.extend(page.into_items());
        }
    }))
}

/// Streams every item of a page-token list, fetching pages lazily.
///
/// The `next_page` token of each page becomes the `page` parameter of the next fetch; it stops
/// when `has_more` is false or no token is given (or the token would not move). An error is
/// yielded and ends the stream. A token that this stream already fetched a page with ends it
/// with an [`Error::Stream`] naming the token, after the items of the page that gave it.
pub fn page_stream<P, Pg, F, Fut>(params: P, fetch: F) -> PageStream<Pg::Item>
where
    P: PageParams,
    Pg: TokenPage + Send + 'static,
    Pg::Item: Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Pg>> + Send + 'static,
{
    let state = State::new((params, None::<String>), fetch);
    PageStream::new(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.pending() {
                return Some((item, st));
            }
            let (params, current) = st.next.take()?;
            let page = match (st.fetch)(params.clone()).await {
                Ok(page) => {
                    st.pages += 1;
                    page
                }
                Err(e) => return Some((Err(e), st)),
            };
            if page.has_more()
                && let Some(token) = page.next_page()
                && current.as_deref() != Some(token)
            {
                if !st.seen.insert(token) {
                    st.error = Some(st.seen.cycle("page", token, st.pages));
                    st.items.extend(page.into_items());
                    continue;
                }
                let token = token.to_string();
                let mut next = params;
                next.set_page(Some(token.clone()));
                st.next = Some((next, Some(token)));
            }
            st.items.extend(page.into_items());
        }
    }))
}
