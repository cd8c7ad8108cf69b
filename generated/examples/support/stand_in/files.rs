//! `/v1/files`: files kept in memory.
//!
//! As with the API, files you upload have `downloadable: false` and their content cannot be
//! downloaded (a `400`); only files created by tools can be. So that there is something to
//! download, the stand-in starts with one such file, as if the code execution tool had
//! written it an hour earlier.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use testkit::Reply;

use super::wire::{Call, Ids, multipart, timestamp};

/// The beta the Files API needs in `anthropic-beta`.
const FILES_BETA: &str = "files-api-2025-04-14";

/// Characters the API does not allow in a file name.
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '|', '?', '*', '\\', '/'];

struct StoredFile {
    id: String,
    filename: String,
    mime_type: String,
    created_at: DateTime<Utc>,
    downloadable: bool,
    bytes: Vec<u8>,
}

impl StoredFile {
    fn to_json(&self) -> Value {
        json!({
            "type": "file",
            "id": self.id,
            "filename": self.filename,
            "mime_type": self.mime_type,
            "size_bytes": self.bytes.len(),
            "created_at": timestamp(self.created_at),
            "downloadable": self.downloadable,
            "expires_at": null
        })
    }
}

pub struct Files {
    /// Oldest first.
    files: Vec<StoredFile>,
}

impl Files {
    pub fn new(ids: &mut Ids) -> Files {
        let csv = "region,quarter,revenue_usd\n\
                   north,Q1,182400\n\
                   north,Q2,197250\n\
                   south,Q1,143900\n\
                   south,Q2,168300\n\
                   west,Q1,221750\n\
                   west,Q2,240100\n";
        Files {
            files: vec![StoredFile {
                id: ids.next("file"),
                filename: "revenue_by_region.csv".to_string(),
                mime_type: "text/csv".to_string(),
                created_at: Utc::now() - TimeDelta::hours(1),
                downloadable: true,
                bytes: csv.as_bytes().to_vec(),
            }],
        }
    }

    /// The Files API is a beta: without its name in `anthropic-beta`, requests are refused.
    fn check_beta(call: &Call<'_>) -> Result<(), Reply> {
        if call.has_beta(FILES_BETA) {
            Ok(())
        } else {
            Err(call.error(
                400,
                "invalid_request_error",
                &format!("the Files API is in beta: send `anthropic-beta: {FILES_BETA}`"),
            ))
        }
    }

    fn find(&self, call: &Call<'_>, id: &str) -> Result<&StoredFile, Reply> {
        Self::check_beta(call)?;
        self.files
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| call.error(404, "not_found_error", &format!("File `{id}` not found.")))
    }

    /// `POST /v1/files` with a `multipart/form-data` body holding the file in a `file` part.
    pub fn upload(&mut self, call: &Call<'_>, ids: &mut Ids) -> Reply {
        if let Err(refused) = Self::check_beta(call) {
            return refused;
        }
        let content_type = call.request.header("content-type").unwrap_or_default();
        let parts = match multipart(content_type, &call.request.body) {
            Ok(parts) => parts,
            Err(e) => return call.error(400, "invalid_request_error", &e),
        };
        let Some(part) = parts.into_iter().find(|p| p.name == "file") else {
            return call.error(
                400,
                "invalid_request_error",
                "file: a `file` form field is required",
            );
        };
        let filename = part.filename.unwrap_or_default();
        if filename.is_empty()
            || filename.chars().count() > 255
            || filename.contains(FORBIDDEN)
            || filename.chars().any(|c| u32::from(c) < 32)
        {
            return call.error(
                400,
                "invalid_request_error",
                &format!("file: invalid file name {filename:?}"),
            );
        }
        let file = StoredFile {
            id: ids.next("file"),
            filename,
            mime_type: part
                .content_type
                .unwrap_or_else(|| "application/octet-stream".to_string()),
            created_at: call.now,
            downloadable: false,
            bytes: part.data,
        };
        let reply = Reply::json(file.to_json());
        self.files.push(file);
        reply
    }

    /// `GET /v1/files`: newest first, paged with `after_id` / `before_id` / `limit`.
    pub fn list(&self, call: &Call<'_>) -> Reply {
        if let Err(refused) = Self::check_beta(call) {
            return refused;
        }
        let limit = match call.query_int("limit", 20, 1, 1000) {
            Ok(limit) => limit as usize,
            Err(refused) => return refused,
        };
        let newest_first: Vec<&StoredFile> = self.files.iter().rev().collect();
        let position = |id: &str| newest_first.iter().position(|f| f.id == id);
        let (page, has_more) = if let Some(after) = call.query("after_id") {
            let start = position(&after).map_or(newest_first.len(), |i| i + 1);
            let rest = &newest_first[start..];
            (&rest[..rest.len().min(limit)], rest.len() > limit)
        } else if let Some(before) = call.query("before_id") {
            let end = position(&before).unwrap_or(0);
            let start = end.saturating_sub(limit);
            (&newest_first[start..end], start > 0)
        } else {
            let n = newest_first.len().min(limit);
            (&newest_first[..n], newest_first.len() > limit)
        };
        Reply::json(json!({
            "data": page.iter().map(|f| f.to_json()).collect::<Vec<_>>(),
            "first_id": page.first().map(|f| f.id.clone()),
            "last_id": page.last().map(|f| f.id.clone()),
            "has_more": has_more
        }))
    }

    /// `GET /v1/files/{id}`.
    pub fn metadata(&self, call: &Call<'_>, id: &str) -> Reply {
        match self.find(call, id) {
            Ok(file) => Reply::json(file.to_json()),
            Err(refused) => refused,
        }
    }

    /// `GET /v1/files/{id}/content`: the bytes, for a downloadable file.
    pub fn download(&self, call: &Call<'_>, id: &str) -> Reply {
        let file = match self.find(call, id) {
            Ok(file) => file,
            Err(refused) => return refused,
        };
        if !file.downloadable {
            return call.error(
                400,
                "invalid_request_error",
                &format!(
                    "File `{id}` is not downloadable: only files created by skills or the code \
                     execution tool can be downloaded"
                ),
            );
        }
        Reply::new(200, &file.bytes)
            .content_type(file.mime_type.clone())
            .header(
                "content-disposition",
                format!("attachment; filename=\"{}\"", file.filename),
            )
    }

    /// `DELETE /v1/files/{id}`.
    pub fn delete(&mut self, call: &Call<'_>, id: &str) -> Reply {
        if let Err(refused) = self.find(call, id) {
            return refused;
        }
        self.files.retain(|f| f.id != id);
        Reply::json(json!({ "id": id, "type": "file_deleted" }))
    }
}
