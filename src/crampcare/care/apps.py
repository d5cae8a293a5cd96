from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "crampcare.care"
    verbose_name = "Care team"

    def ready(self) -> None:
        # The one reader access of the install: a clinician in an active care relationship
        # reads through the door, and every granted read leaves an audit record.
        from crampcare.care.access import register

        register()
        # Clinicians' and admins' sessions start on the idle clock when they sign in.
        from crampcare.care.security import connect

        connect()
        # Whether someone has care at all is noted at sign-in, for the messages badge.
        from crampcare.care import badge

        badge.connect()
