//! Auto-pagination: turning a one-page fetch function into a lazy stream of items.
//!
//! Two styles exist in the API: cursors (`after_id` / `before_id` in the query, `first_id` /
//! `last_id` / `has_more` in the response) and page tokens (`page` in the query, `next_page` /
//! `has_more` in the response). Generated list methods implement the traits below for their
//! parameter and page types and call [`cursor_stream`] or [`page_stream`].

use std::collections::VecDeque;
use std::future::Future;

use futures::Stream;

use crate::error::Result;

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
/// last page is in) and the items of the current page not yet yielded.
struct State<P, F, I> {
    next: Option<P>,
    fetch: F,
    items: VecDeque<I>,
}

/// Streams every item of a cursor-paginated list, fetching pages lazily.
///
/// Pages forward (`last_id` becomes the next `after_id`) unless `params` starts with a
/// `before_id` and no `after_id`, in which case it pages backward (`first_id` becomes the next
/// `before_id`). It stops when `has_more` is false or the next cursor is missing (or would not
/// move); an error is yielded and ends the stream.
pub fn cursor_stream<P, Pg, F, Fut>(
    params: P,
    fetch: F,
) -> impl Stream<Item = Result<Pg::Item>> + Send + 'static
where
    P: CursorParams,
    Pg: CursorPage + Send + 'static,
    Pg::Item: Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Pg>> + Send + 'static,
{
    let backward = params.before_id().is_some() && params.after_id().is_none();
    let state = State {
        next: Some(params),
        fetch,
        items: VecDeque::new(),
    };
    futures::stream::unfold(state, move |mut st| async move {
        loop {
            if let Some(item) = st.items.pop_front() {
                return Some((Ok(item), st));
            }
            let params = st.next.take()?;
            let page = match (st.fetch)(params.clone()).await {
                Ok(page) => page,
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
    })
}

/// Streams every item of a page-token list, fetching pages lazily.
///
/// The `next_page` token of each page becomes the `page` parameter of the next fetch; it stops
/// when `has_more` is false or no token is given (or the token would not move). An error is
/// yielded and ends the stream.
pub fn page_stream<P, Pg, F, Fut>(
    params: P,
    fetch: F,
) -> impl Stream<Item = Result<Pg::Item>> + Send + 'static
where
    P: PageParams,
    Pg: TokenPage + Send + 'static,
    Pg::Item: Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Pg>> + Send + 'static,
{
    let state = State {
        next: Some((params, None::<String>)),
        fetch,
        items: VecDeque::new(),
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.items.pop_front() {
                return Some((Ok(item), st));
            }
            let (params, current) = st.next.take()?;
            let page = match (st.fetch)(params.clone()).await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), st)),
            };
            if page.has_more()
                && let Some(token) = page.next_page()
                && current.as_deref() != Some(token)
            {
                let token = token.to_string();
                let mut next = params;
                next.set_page(Some(token.clone()));
                st.next = Some((next, Some(token)));
            }
            st.items.extend(page.into_items());
        }
    })
}
