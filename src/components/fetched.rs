//! What a page fetches from the API: a `LocalResource` read as the answer's own type. Every
//! page's fetches share one `LocalResource` type (the answer behind `Rc<dyn Any>`), so
//! leptos's machinery for a resource (its async derived signal, the polling of its future)
//! is made once for the whole app, not once per type of answer: 1.6 KB (brotli) less in
//! the first load for home's and the inbox's three, and less in every lazy part.

use std::{any::Any, future::Future, marker::PhantomData, pin::Pin, rc::Rc};

use leptos::prelude::*;

use crate::api::ApiResult;

type Answer = ApiResult<Rc<dyn Any>>;
type Fetch = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Answer>>>>;

/// A `LocalResource<ApiResult<T>>`, read with [`Fetched::get`].
pub struct Fetched<T> {
    answer: LocalResource<Answer>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Fetched<T> {}

impl<T: Clone + 'static> Fetched<T> {
    /// Fetches with `fetch` now and each time a signal it reads changes.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = ApiResult<T>> + 'static,
    {
        let fetch: Fetch = Rc::new(move || {
            let answer = fetch();
            Box::pin(async move { answer.await.map(|v| Rc::new(v) as Rc<dyn Any>) })
        });
        Self {
            answer: resource(fetch),
            ty: PhantomData,
        }
    }

    /// The answer once it came (tracked, like `LocalResource::get`).
    pub fn get(&self) -> Option<ApiResult<T>> {
        typed(self.answer.get())
    }

    /// The answer once it came, not tracked.
    pub fn get_untracked(&self) -> Option<ApiResult<T>> {
        typed(self.answer.get_untracked())
    }

    /// `f` of the answer (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Option<ApiResult<T>>) -> R) -> R {
        f(&self.get())
    }

    /// Fetches again.
    pub fn refetch(&self) {
        self.answer.refetch();
    }
}

/// The answer as `T`. The downcast cannot fail (`new` made the answer from a `T`); if it
/// ever did, the page would show as still loading rather than stop.
fn typed<T: Clone + 'static>(answer: Option<Answer>) -> Option<ApiResult<T>> {
    match answer? {
        Ok(value) => value.downcast_ref::<T>().cloned().map(Ok),
        Err(error) => Some(Err(error)),
    }
}

/// Not generic: the one `LocalResource` made for every `Fetched`.
fn resource(fetch: Fetch) -> LocalResource<Answer> {
    LocalResource::new(move || fetch())
}
