//! The doctor's network: the browser reaches the server through this TCP relay, which a
//! test can cut (every open connection dropped, new ones refused at once) and restore,
//! like a phone losing signal. The server keeps running, so a patient (who talks to the
//! server directly) can write meanwhile. Engine-independent, unlike WebDriver's offline
//! switch, which only Chromium has.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

pub struct Network {
    pub addr: SocketAddr,
    cut: Arc<AtomicBool>,
    relays: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: JoinHandle<()>,
}

impl Network {
    pub async fn to(server: SocketAddr) -> Network {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("relay listens");
        let addr = listener.local_addr().expect("relay address");
        let cut = Arc::new(AtomicBool::new(false));
        let relays = Arc::new(Mutex::new(Vec::<JoinHandle<()>>::new()));
        let acceptor = {
            let (cut, relays) = (cut.clone(), relays.clone());
            tokio::spawn(async move {
                while let Ok((mut browser, _)) = listener.accept().await {
                    if cut.load(Ordering::SeqCst) {
                        drop(browser);
                        continue;
                    }
                    let relay = tokio::spawn(async move {
                        if let Ok(mut upstream) = TcpStream::connect(server).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut browser, &mut upstream).await;
                        }
                    });
                    let mut relays = relays.lock().unwrap();
                    relays.retain(|r| !r.is_finished());
                    relays.push(relay);
                }
            })
        };
        Network {
            addr,
            cut,
            relays,
            acceptor,
        }
    }

    /// Drops every connection (an open event stream included) and refuses new ones.
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for relay in self.relays.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        self.acceptor.abort();
        for relay in self.relays.lock().unwrap().drain(..) {
            relay.abort();
        }
    }
}
