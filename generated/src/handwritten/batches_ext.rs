//! Hand-written additions to the generated `messages.batches` operations: following a batch's
//! `results_url`.

use crate::resources::MessagesBatchesApi;
use crate::runtime::{Error, JsonlStream, Result};
use crate::types::{MessageBatch, MessageBatchIndividualResponse, MessageBatchProcessingStatus};

impl MessagesBatchesApi<'_> {
    /// The results of a batch, fetched from the `results_url` the batch reports.
    ///
    /// Retrieves the batch, then streams its `results_url` as JSON Lines, decoded one
    /// [`MessageBatchIndividualResponse`] per line as it arrives (memory stays bounded
    /// whatever the size of the results; a line that does not decode is an error naming its
    /// line number, and the stream goes on). The client's credentials are sent to that URL
    /// only when it has the API's own origin (scheme, host and port of the base URL).
    ///
    /// Unlike [`MessagesBatchesApi::results`], which builds the results path itself, this
    /// uses the URL the API gives. A batch that has no `results_url` yet (still processing)
    /// gives an [`Error::Stream`] naming its `processing_status`; no results request is sent.
    ///
    /// ```no_run
    /// # use futures::StreamExt;
    /// # async fn run(client: anthropic_openapi::Client) -> anthropic_openapi::Result<()> {
    /// let mut results = client.messages().batches().results_by_url("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF").await?;
    /// while let Some(line) = results.next().await {
    ///     let line = line?;
    ///     println!("{}: {}", line.custom_id, line.result.tag());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn results_by_url(
        &self,
        message_batch_id: &str,
    ) -> Result<JsonlStream<MessageBatchIndividualResponse>> {
        let batch = self.retrieve(message_batch_id).await?;
        self.results_of(&batch).await
    }

    /// The results of a batch already retrieved (for instance by polling
    /// [`MessagesBatchesApi::retrieve`] until it has ended), fetched from its `results_url`
    /// as [`MessagesBatchesApi::results_by_url`] does, without retrieving the batch again.
    pub async fn results_of(
        &self,
        batch: &MessageBatch,
    ) -> Result<JsonlStream<MessageBatchIndividualResponse>> {
        match batch
            .results_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => self.client.core().get_url_jsonl(url).await,
            None => Err(no_results(batch)),
        }
    }
}

/// The error for a batch without a `results_url`.
fn no_results(batch: &MessageBatch) -> Error {
    let status = &batch.processing_status;
    let why = match status {
        MessageBatchProcessingStatus::Ended => {
            "its processing has ended but it reports no results_url".to_string()
        }
        _ => format!(
            "it is still processing (processing_status: {status}); results are available \
             once processing_status is \"ended\""
        ),
    };
    Error::Stream(format!(
        "the results of message batch {} are not available: {why}",
        batch.id
    ))
}
