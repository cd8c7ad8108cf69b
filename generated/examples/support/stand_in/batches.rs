//! `/v1/messages/batches`: batches that take a few polls to process.
//!
//! Each request's outcome is decided when the batch is created: the simulated model's answer,
//! or, for parameters the API would reject, an `errored` result (as the API does, parameters
//! are checked while the batch is processed, not when it is created). Every retrieval of the
//! batch then counts as time passing: after [`POLLS_TO_END`] retrievals all requests are done,
//! the batch has `processing_status: ended` and a `results_url` that serves the results as
//! JSON Lines, in an order of their own (as the API warns, not the order of the requests).

use std::collections::HashMap;

use anthropic_openapi::MessageBatchCreateParams;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use testkit::Reply;

use super::messages;
use super::wire::{Call, Ids, timestamp};

/// How many retrievals a batch takes to end.
const POLLS_TO_END: usize = 4;

#[derive(Default)]
pub struct Batches {
    by_id: HashMap<String, Batch>,
}

struct Batch {
    id: String,
    created_at: DateTime<Utc>,
    /// `(custom_id, result)` per request, in the order they finish.
    outcomes: Vec<(String, Value)>,
    polls: usize,
    ended_at: Option<DateTime<Utc>>,
}

impl Batch {
    /// How many requests have finished so far.
    fn finished(&self) -> usize {
        let n = self.outcomes.len();
        (n * self.polls).div_ceil(POLLS_TO_END).min(n)
    }

    fn to_json(&self, origin: &str) -> Value {
        let done = &self.outcomes[..self.finished()];
        let count = |kind: &str| done.iter().filter(|(_, r)| r["type"] == kind).count();
        let ended = self.ended_at.is_some();
        json!({
            "id": self.id,
            "type": "message_batch",
            "processing_status": if ended { "ended" } else { "in_progress" },
            "request_counts": {
                "processing": self.outcomes.len() - done.len(),
                "succeeded": count("succeeded"),
                "errored": count("errored"),
                "canceled": 0,
                "expired": 0
            },
            "ended_at": self.ended_at.map(timestamp),
            "created_at": timestamp(self.created_at),
            "expires_at": timestamp(self.created_at + TimeDelta::hours(24)),
            "archived_at": null,
            "cancel_initiated_at": null,
            "results_url": ended.then(|| format!("{origin}/v1/messages/batches/{}/results", self.id)),
        })
    }
}

impl Batches {
    /// `POST /v1/messages/batches`.
    pub fn create(&mut self, call: &Call<'_>, ids: &mut Ids) -> Reply {
        let params: MessageBatchCreateParams = match call.body() {
            Ok(params) => params,
            Err(refused) => return refused,
        };
        if params.requests.is_empty() {
            return call.error(
                400,
                "invalid_request_error",
                "requests: at least one request is required",
            );
        }
        let mut outcomes: Vec<(String, Value)> = Vec::new();
        for request in &params.requests {
            if outcomes.iter().any(|(id, _)| *id == request.custom_id) {
                return call.error(
                    400,
                    "invalid_request_error",
                    &format!(
                        "requests: custom_id {:?} is used more than once; each must be unique",
                        request.custom_id
                    ),
                );
            }
            let result = match messages::validate(&request.params) {
                Ok(()) if request.params.stream() == Some(true) => {
                    errored("stream: streaming is not supported in batch requests".to_string())
                }
                Ok(()) => json!({
                    "type": "succeeded",
                    "message": messages::respond(&request.params, ids, "batch"),
                }),
                Err(message) => errored(message),
            };
            outcomes.push((request.custom_id.clone(), result));
        }
        // Requests finish in no particular order: here, the odd positions first.
        let (odd, even): (Vec<_>, Vec<_>) = outcomes
            .into_iter()
            .enumerate()
            .partition(|(i, _)| i % 2 == 1);
        let outcomes = odd.into_iter().chain(even).map(|(_, o)| o).collect();

        let batch = Batch {
            id: ids.next("msgbatch"),
            created_at: call.now,
            outcomes,
            polls: 0,
            ended_at: None,
        };
        let reply = Reply::json(batch.to_json(&call.origin()));
        self.by_id.insert(batch.id.clone(), batch);
        reply
    }

    /// `GET /v1/messages/batches/{id}`: each call moves the batch along.
    pub fn retrieve(&mut self, call: &Call<'_>, id: &str) -> Reply {
        let Some(batch) = self.by_id.get_mut(id) else {
            return not_found(call, id);
        };
        if batch.ended_at.is_none() {
            batch.polls += 1;
            if batch.finished() == batch.outcomes.len() {
                batch.ended_at = Some(call.now);
            }
        }
        Reply::json(batch.to_json(&call.origin()))
    }

    /// `GET /v1/messages/batches/{id}/results`: JSON Lines, one result per line.
    pub fn results(&self, call: &Call<'_>, id: &str) -> Reply {
        let Some(batch) = self.by_id.get(id) else {
            return not_found(call, id);
        };
        if batch.ended_at.is_none() {
            return call.error(
                400,
                "invalid_request_error",
                &format!("message batch {id} has not ended yet; its results are not available"),
            );
        }
        let lines = batch.outcomes.iter().map(|(custom_id, result)| {
            format!("{}\n", json!({ "custom_id": custom_id, "result": result }))
        });
        Reply::new(200, "")
            .content_type("application/x-jsonl")
            .pieces(lines)
            .chunked()
    }
}

fn errored(message: String) -> Value {
    json!({
        "type": "errored",
        "error": {
            "type": "error",
            "error": { "type": "invalid_request_error", "message": message },
            "request_id": null
        }
    })
}

fn not_found(call: &Call<'_>, id: &str) -> Reply {
    call.error(
        404,
        "not_found_error",
        &format!("message batch {id} not found"),
    )
}
