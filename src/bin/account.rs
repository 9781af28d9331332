//! The agreements' entry point (served for `/agreements` and `/me/agreements`).

fn main() {
    doctor_desk::app::start(doctor_desk::app::AccountApp);
}
