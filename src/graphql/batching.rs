//! Deterministic DataLoader batching.
//!
//! async-graphql's DataLoader gathers keys until a short timer fires. For large lists that is
//! not enough: the executor polls list items through `FuturesUnordered`, which yields every few
//! dozen items, and a timer that fires during such a yield splits one level of a query into
//! several batches, so the number of statements grows with the number of rows.
//!
//! Here the loader's batch jobs are not started on a timer but queued, and the request's future
//! is polled by [`RunUntilIdle`]: it keeps polling while the request still makes progress by
//! itself, and only when every resolver waits for data does it start the queued batches, all at
//! once, and the next round only when all of them have finished. The query thus runs in rounds,
//! one round per level of the query, with one statement per relation in each round, whatever
//! the number of rows; the batches of a round run concurrently. The request itself is polled
//! whenever it is woken.
//!
//! A top-level list reads the database itself, not through a loader. Left outside the rounds, a
//! request with several of them (aliases, or `gemeenten` beside `provincies`) would start the
//! batches of the first list while the others are still being read, and every later list would
//! cost a batch per relation of its own. So such reads join the rounds too ([`BatchQueue::in_round`]):
//! all top-level reads of a request are the first round, and what their rows need the next.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use futures_channel::oneshot;
use futures_util::future::BoxFuture;

/// Batch jobs of one request's DataLoader, held back while the request can still make progress.
#[derive(Clone, Default)]
pub struct BatchQueue {
    inner: Arc<QueueState>,
}

#[derive(Default)]
struct QueueState {
    /// Whether a [`RunUntilIdle`] is polling the request; without one, jobs start at once.
    collecting: AtomicBool,
    jobs: Mutex<Vec<BoxFuture<'static, ()>>>,
    /// Batches started and not yet finished.
    running: AtomicUsize,
    /// The request to wake when the last running batch finishes.
    waiter: Mutex<Option<Waker>>,
}

impl BatchQueue {
    /// The DataLoader's spawner: queue the job when a [`RunUntilIdle`] will start it, else spawn.
    pub fn spawn(&self, job: BoxFuture<'static, ()>) {
        if self.inner.collecting.load(Ordering::SeqCst)
            && let Ok(mut jobs) = self.inner.jobs.lock()
        {
            jobs.push(job);
            return;
        }
        tokio::spawn(job);
    }

    /// Runs `job` in the next round, beside the DataLoader batches, and returns its output;
    /// `None` when the job was dropped unfinished (the request went away).
    pub async fn in_round<T: Send + 'static>(&self, job: impl Future<Output = T> + Send + 'static) -> Option<T> {
        let (sender, receiver) = oneshot::channel();
        self.spawn(Box::pin(async move {
            // The receiver is gone only when the request is; nobody waits for the output then.
            let _ = sender.send(job.await);
        }));
        receiver.await.ok()
    }

    /// Starts every queued job; each one wakes the request when it is the last to finish.
    fn start_queued(&self) {
        let jobs = match self.inner.jobs.lock() {
            Ok(mut jobs) => std::mem::take(&mut *jobs),
            Err(_) => return,
        };
        self.inner.running.fetch_add(jobs.len(), Ordering::SeqCst);
        for job in jobs {
            let state = self.inner.clone();
            tokio::spawn(async move {
                job.await;
                if state.running.fetch_sub(1, Ordering::SeqCst) == 1
                    && let Some(waker) = state.waiter.lock().ok().and_then(|mut w| w.take())
                {
                    waker.wake();
                }
            });
        }
    }

    fn running(&self) -> bool {
        self.inner.running.load(Ordering::SeqCst) > 0
    }
}

/// Polls `future` until it is ready or waits only for data, then starts the queued batches.
pub struct RunUntilIdle<F> {
    future: Pin<Box<F>>,
    queue: BatchQueue,
}

impl<F: Future> RunUntilIdle<F> {
    /// Wraps the execution of one request that uses `queue` as its DataLoader spawner.
    pub fn new(future: F, queue: BatchQueue) -> Self {
        queue.inner.collecting.store(true, Ordering::SeqCst);
        Self { future: Box::pin(future), queue }
    }
}

impl<F> Drop for RunUntilIdle<F> {
    fn drop(&mut self) {
        self.queue.inner.collecting.store(false, Ordering::SeqCst);
        // Jobs queued by a request that is gone still answer any other waiter.
        self.queue.start_queued();
    }
}

/// A waker that notes that it was woken, and passes the wake on.
struct NotingWaker {
    woken: AtomicBool,
    outer: Waker,
}

impl Wake for NotingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.outer.wake_by_ref();
    }
}

/// Upper bound on consecutive self-woken polls before yielding to the runtime anyway.
const MAX_POLLS_PER_WAKE: usize = 10_000;

impl<F: Future> Future for RunUntilIdle<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if let Ok(mut waiter) = self.queue.inner.waiter.lock() {
            *waiter = Some(cx.waker().clone());
        }
        for _ in 0..MAX_POLLS_PER_WAKE {
            let noting = Arc::new(NotingWaker { woken: AtomicBool::new(false), outer: cx.waker().clone() });
            let waker = Waker::from(noting.clone());
            if let Poll::Ready(output) = self.future.as_mut().poll(&mut Context::from_waker(&waker)) {
                return Poll::Ready(output);
            }
            if noting.woken.load(Ordering::SeqCst) {
                // Woken during its own poll: progress is still possible without new data.
                continue;
            }
            // Every resolver waits for data. Start the next round of batches, but only once the
            // previous round has finished entirely: what the first finished batch unlocks then
            // joins what the others unlock. The last batch of a round wakes the request.
            if !self.queue.running() {
                self.queue.start_queued();
            }
            return Poll::Pending;
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::HashMap;
    use std::time::{Duration, Instant};

    use async_graphql::dataloader::{DataLoader, Loader};
    use futures_util::future::join_all;

    use super::*;

    /// Notes the keys of every batch of `u32` keys, and answers each key with itself. `u64` keys
    /// are a second relation whose batches take a while.
    #[derive(Clone, Default)]
    struct Noting(Arc<Mutex<Vec<Vec<u32>>>>);

    impl Loader<u32> for Noting {
        type Value = u32;
        type Error = Arc<String>;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            let mut batch = keys.to_vec();
            batch.sort_unstable();
            self.0.lock().unwrap().push(batch);
            Ok(keys.iter().map(|key| (*key, *key)).collect())
        }
    }

    impl Loader<u64> for Noting {
        type Value = u32;
        type Error = Arc<String>;

        async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u32>, Self::Error> {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(keys.iter().map(|key| (*key, u32::try_from(*key).unwrap())).collect())
        }
    }

    /// A loader that hands its batch jobs to `queue`, as the schema's loaders do.
    fn loader(noting: &Noting, queue: &BatchQueue) -> DataLoader<Noting> {
        let spawner = queue.clone();
        DataLoader::new(noting.clone(), move |job| spawner.spawn(job)).delay(Duration::ZERO)
    }

    /// Work a resolver does without waiting for data, for `time`: it wakes itself after each
    /// step, as the executor's `FuturesUnordered` does every few dozen list items.
    async fn work(time: Duration) {
        let until = Instant::now() + time;
        std::future::poll_fn(|cx| {
            if Instant::now() >= until {
                return Poll::Ready(());
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await;
    }

    /// Resolvers that reach their loads at different times, one level below the other, load
    /// each level in one batch. On a runtime with a second worker, a batch that started at the
    /// first load (no queue) would run while the others still work, and miss their keys.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_loads_of_every_resolver_on_a_level_are_one_batch() {
        let (noting, queue) = (Noting::default(), BatchQueue::default());
        let loader = loader(&noting, &queue);
        let resolver = |key: u32| {
            let loader = &loader;
            async move {
                work(Duration::from_millis(5) * key).await;
                let parent = loader.load_one(key).await.unwrap().unwrap();
                work(Duration::from_millis(5) * key).await;
                loader.load_one(parent + 100).await.unwrap()
            }
        };
        let values = RunUntilIdle::new(join_all((0..4).map(resolver)), queue).await;
        assert_eq!(values, [Some(100), Some(101), Some(102), Some(103)]);
        assert_eq!(*noting.0.lock().unwrap(), [vec![0, 1, 2, 3], vec![100, 101, 102, 103]]);
    }

    /// What a fast batch unlocks waits for the slow batch of the same round, so that the next
    /// level is still one batch.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_round_starts_when_the_whole_previous_round_has_finished() {
        let (noting, queue) = (Noting::default(), BatchQueue::default());
        let loader = loader(&noting, &queue);
        let fast = async {
            let parent = loader.load_one(0_u32).await.unwrap().unwrap();
            loader.load_one(parent + 100).await.unwrap()
        };
        let slow = async {
            let parent = loader.load_one(1_u64).await.unwrap().unwrap();
            loader.load_one(parent + 100).await.unwrap()
        };
        let values = RunUntilIdle::new(futures_util::future::join(fast, slow), queue).await;
        assert_eq!(values, (Some(100), Some(101)));
        assert_eq!(*noting.0.lock().unwrap(), [vec![0], vec![100, 101]]);
    }
}
