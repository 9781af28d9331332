//! The reviewer console's entry point (served under `/review`).

fn main() {
    doctor_desk::app::start(doctor_desk::app::ReviewApp);
}
