//! A long list of same-height rows of which only those near the screen are in the DOM, so
//! ten thousand rows scroll like thirty on a phone. The inbox and my patients use it.

use std::hash::Hash;

use leptos::prelude::*;

/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 6;

/// `rows` holds every row loaded so far; `on_near_end` asks for the next page when the
/// window nears the last of them. Every row has the same height (CSS), measured from the
/// first one rendered; `children` gets a row's 1-based place in the list and the row.
#[component]
pub fn VirtualList<T, K, KF, V, VF>(
    rows: RwSignal<Vec<T>>,
    key: KF,
    children: VF,
    #[prop(into)] on_near_end: Callback<()>,
    class: &'static str,
    testid: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    VF: Fn((usize, T)) -> V + Clone + Send + Sync + 'static,
{
    let list = NodeRef::<leptos::html::Ul>::new();
    let range = RwSignal::new((0usize, 2 * OVERSCAN));
    let pitch = RwSignal::new(0.0f64);
    let measure = move || {
        let Some(ul) = list.get_untracked() else {
            return;
        };
        if let Some(row) = ul.first_element_child() {
            let h = row.get_bounding_client_rect().height();
            if h > 0.0 && (h - pitch.get_untracked()).abs() > 0.5 {
                pitch.set(h);
            }
        }
        let p = pitch.get_untracked().max(1.0);
        let top = ul.get_bounding_client_rect().top();
        let screen = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        let n = rows.with_untracked(Vec::len);
        let from = ((-top / p).floor().max(0.0) as usize).saturating_sub(OVERSCAN);
        let to = (((screen - top) / p).ceil().max(0.0) as usize + OVERSCAN).min(n);
        let next = (from.min(to), to);
        if range.get_untracked() != next {
            range.set(next);
        }
        if n - to < 2 * OVERSCAN {
            on_near_end.run(());
        }
    };
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| measure());
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });
    Effect::new(move || {
        rows.track();
        request_animation_frame(measure);
    });
    let px = move |n: usize| format!("{}px", (n as f64 * pitch.get()).round() as i64);
    let visible = move || {
        let (from, to) = range.get();
        rows.with(|r| {
            let to = to.min(r.len());
            r[from.min(to)..to]
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, row)| (from + i + 1, row))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ul
            class=class
            node_ref=list
            data-testid=testid
            style:padding-top=move || px(range.get().0)
            style:padding-bottom=move || px(rows.with(Vec::len).saturating_sub(range.get().1))
        >
            <For
                each=visible
                key=move |(_, row): &(usize, T)| key(row)
                children=children
            />
        </ul>
    }
}
