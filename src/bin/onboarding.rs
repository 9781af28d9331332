//! Onboarding's entry point (served for `/onboarding`).

fn main() {
    doctor_desk::app::start(doctor_desk::app::OnboardingApp);
}
