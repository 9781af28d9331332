//! The doctor app's entry point.

fn main() {
    doctor_desk::app::start(doctor_desk::App);
}
