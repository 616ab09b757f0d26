from django.core.management.base import BaseCommand

from fixtures.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Build the demo brand (regions, stores, people, scorecard, a year of visits). Safe to run again."

    def handle(self, *args, **options):
        report = build_demo(log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {report.stores} stores, {report.auditors} auditors, "
                f"{report.visits_created} visits created ({report.visits_released} released) and "
                f"{report.assignments_created} assignments offered this run. "
                f"Accounts hq, reviewer, rm-east, sm-bund, auditor-01..06; password {DEMO_PASSWORD}."
            )
        )
