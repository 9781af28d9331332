//! The production shape on this machine (issue 18): two server instances on one PostgreSQL
//! database and one S3 bucket (moto's server, [`super::s3`]), behind one address, nginx (apt, as `cargo xtask test` installs it) balancing round
//! robin. Each instance is reached through a relay of its own, which a test cuts to take
//! the instance away as a crash would: every open connection dropped at once.

use std::{
    net::SocketAddr,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use doctor_desk_server::Running;

use super::{s3::S3Server, Network};

pub struct Instances {
    /// The second instance (the first is `Harness::server`).
    pub second: Running,
    /// nginx's way to each instance.
    pub to_first: Network,
    pub to_second: Network,
    /// Where the browser connects.
    pub proxy: SocketAddr,
    pub nginx: Nginx,
    /// The object store both instances keep their files in.
    pub s3: S3Server,
}

/// nginx, stopped on drop.
pub struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Instances {
    pub async fn start(first: SocketAddr, second: Running, s3: S3Server, dir: &Path) -> Instances {
        let to_first = Network::to(first).await;
        let to_second = Network::to(second.addr).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let logs = dir.display();
        // Plain HTTP on loopback (TLS in front is deploy_proxy.rs's subject). A request
        // an instance drops goes to the other (`proxy_next_upstream`'s default); an
        // event stream flows at once (the server says `X-Accel-Buffering: no`).
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {logs}/nginx.pid;\nerror_log {logs}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {logs}/body;\n  \
             proxy_temp_path {logs}/proxy;\n  client_max_body_size 11m;\n\
             upstream doctor_desk {{ server {}; server {}; }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      \
             proxy_pass http://doctor_desk;\n      proxy_http_version 1.1;\n      \
             proxy_set_header Connection \"\";\n      proxy_set_header Host $host;\n      \
             proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n      \
             proxy_read_timeout 120s;\n      gzip off;\n    }}\n  }}\n}}\n",
            to_first.addr, to_second.addr
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).expect("nginx.conf");
        let nginx = Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start nginx: `cargo xtask test` installs it");
        let deadline = Instant::now() + super::WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not listen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Instances {
            second,
            to_first,
            to_second,
            proxy: SocketAddr::from(([127, 0, 0, 1], port)),
            nginx: Nginx(nginx),
            s3,
        }
    }
}
