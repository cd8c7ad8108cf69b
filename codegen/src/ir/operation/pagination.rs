//! `x-pagination`: list operations that also get an auto-paginating stream, checked against
//! the query parameters they must take and the page type they must return.

use super::{PageStyle, Pagination, Param, ParamLocation, Response, struct_of};
use crate::Error;
use crate::ir::TypeRef;
use crate::ir::schema::TypeBuilder;

/// Reads `x-pagination` (`style` and `items`). A cursor-paged operation needs optional string
/// query parameters `after_id` and `before_id` and a page with `first_id`, `last_id` and
/// `has_more`; a page-token one needs `page` and a page with `next_page`, and `has_more` when
/// the page has one (without it, a `next_page` that is not null means there are more).
/// The page is the operation's named JSON response, and `items` names its array of items.
pub(super) fn build_pagination(
    types: &TypeBuilder,
    v: &serde_json::Value,
    params: &[Param],
    response: &Response,
    ptr: &str,
) -> Result<Pagination, Error> {
    let style = match v.get("style").and_then(|s| s.as_str()) {
        Some("cursor") => PageStyle::Cursor,
        Some("page") => PageStyle::Page,
        _ => return Err(Error::new(ptr, "`style` must be `cursor` or `page`")),
    };
    let items = v.get("items").and_then(|s| s.as_str()).ok_or_else(|| {
        Error::new(
            ptr,
            "`items` must name the response property that holds the items",
        )
    })?;
    let Response::Json(TypeRef::Named(page_ty)) = response else {
        return Err(Error::new(
            ptr,
            "a paginated operation must return a named JSON object",
        ));
    };
    let page = struct_of(types, page_ty)
        .ok_or_else(|| Error::new(ptr, format!("`{page_ty}` is not an object")))?;
    let field = |wire: &str| page.fields.iter().find(|f| f.wire == wire);
    let items_field = field(items)
        .ok_or_else(|| Error::new(ptr, format!("`{page_ty}` has no property `{items}`")))?;
    let TypeRef::Vec(item_ty) = &items_field.ty else {
        return Err(Error::new(
            ptr,
            format!("`{page_ty}.{items}` must be an array"),
        ));
    };
    let need_param = |wire: &str| {
        params
            .iter()
            .find(|p| {
                p.wire == wire
                    && p.location == ParamLocation::Query
                    && p.ty == TypeRef::String
                    && !p.required
            })
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(
                    ptr,
                    format!(
                        "{style:?} pagination needs an optional string query parameter `{wire}`"
                    ),
                )
            })
    };
    let need_field = |wire: &str, ty: TypeRef| {
        field(wire)
            .filter(|f| f.ty == ty)
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(
                    ptr,
                    format!("{style:?} pagination needs `{page_ty}.{wire}` of type {ty:?}"),
                )
            })
    };
    match style {
        PageStyle::Cursor => need_field("has_more", TypeRef::Bool)?,
        PageStyle::Page if field("has_more").is_some() => need_field("has_more", TypeRef::Bool)?,
        PageStyle::Page => {}
    }
    match style {
        PageStyle::Cursor => {
            need_param("after_id")?;
            need_param("before_id")?;
            need_field("first_id", TypeRef::String)?;
            need_field("last_id", TypeRef::String)?;
        }
        PageStyle::Page => {
            need_param("page")?;
            need_field("next_page", TypeRef::String)?;
        }
    }
    Ok(Pagination {
        style,
        items_field: items_field.ident.clone(),
        item_ty: (**item_ty).clone(),
        page_ty: page_ty.clone(),
    })
}
