from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questions import review
from questions.bank import BANK_DIR, read_domains, read_questions
from questions.checker import fixture_items

# "options": options alone, test-taking habits (ITEMS.md's measure); "cue": stem and options, test-taking
# habits (reported: a reader who can reason cannot unlearn the field); "expert": stem and options.
TARGETS = {"options": ("at most", 0.40), "cue": ("reported", None), "expert": ("at least", 0.90)}


def bank_items(keys: set[str] | None = None, bank_dir: Path = BANK_DIR) -> list[dict]:
    items = fixture_items(read_questions(bank_dir), read_domains(bank_dir))
    return [item for item in items if keys is None or item["key"] in keys]


class Command(BaseCommand):
    help = ("Blind review of the shipped bank: write packets without keys for reviewers, "
            "then score their picks (see the README's question-bank section).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        packets = sub.add_parser("packets", help="Write packets of stems and shuffled options, without keys.")
        packets.add_argument("--out", type=Path, required=True)
        packets.add_argument("--round", type=int, default=1, dest="round_")
        packets.add_argument("--per-packet", type=int, default=45)
        packets.add_argument("--keys", nargs="*", help="Only these items (a re-review of rewritten ones).")
        packets.add_argument("--options-only", action="store_true", help="Leave the stems out (the options reader).")
        scoring = sub.add_parser("score", help="Score reviewers' answer files against the keys.")
        scoring.add_argument("--answers", type=Path, required=True,
                             help="Folder with answers-options-*.txt, answers-cue-*.txt and answers-expert-*.txt.")
        scoring.add_argument("--round", type=int, default=1, dest="round_")
        scoring.add_argument("--report", type=Path, help="Write the Markdown report and the picks beside it.")
        scoring.add_argument("--bank", type=Path, default=BANK_DIR,
                             help="The bank as the reviewers saw it (e.g. `git archive` of the packets' commit).")

    def handle(self, *args, action, round_, **options):
        if action == "packets":
            keys = set(options["keys"]) if options["keys"] else None
            items = bank_items(keys)
            paths = review.write_packets(items, options["out"], round_=round_, per_packet=options["per_packet"],
                                         stem=not options["options_only"])
            self.stdout.write(f"{len(items)} items in {len(paths)} packets under {options['out']}")
            return
        items = bank_items(bank_dir=options["bank"])
        scores = {}
        for kind in TARGETS:
            answers = review.read_answers(sorted(options["answers"].glob(f"answers-{kind}-*.txt")))
            if answers:
                scores[kind] = review.score(items, answers, kind=kind, round_=round_)
        if not scores:
            raise CommandError(f"No answers-options-, -cue- or -expert-*.txt in {options['answers']}.")
        report = render_report(scores, round_)
        self.stdout.write(report)
        if options["report"]:
            options["report"].parent.mkdir(parents=True, exist_ok=True)
            options["report"].write_text(report, encoding="utf-8")
            for kind, result in scores.items():
                picks = options["report"].parent / f"round-{round_}-{kind}-picks.tsv"
                rows = [f"{key}\t{letter}\t{confidence}\t{'hit' if hit else 'miss'}"
                        for key, (letter, confidence, hit) in sorted(result.picks.items())]
                picks.write_text("key\tpick\tconfidence\tresult\n" + "\n".join(rows) + "\n", encoding="utf-8")


def render_report(scores: dict, round_: int) -> str:
    lines = [f"# Blind review, round {round_}", "", "| reviewer | items | hit rate | target | met |",
             "|---|---|---|---|---|"]
    for kind, result in scores.items():
        word, target = TARGETS[kind]
        if target is None:
            lines.append(f"| {kind} | {result.answered} | {result.hit_rate:.1%} | reported | |")
            continue
        met = result.hit_rate <= target if word == "at most" else result.hit_rate >= target
        lines.append(f"| {kind} | {result.answered} | {result.hit_rate:.1%} | {word} {target:.0%} | "
                     f"{'yes' if met else 'no'} |")
    for kind, result in scores.items():
        lines += ["", f"## {kind}: hit rate by stated confidence", ""]
        for confidence in review.CONFIDENCE:
            hits, n = result.by_confidence.get(confidence, [0, 0])
            lines.append(f"- {confidence}: {hits}/{n}" + (f" ({hits / n:.0%})" if n else ""))
    for kind in ("options", "cue"):
        if kind in scores:
            lines += ["", f"## To rewrite: the {kind} reader found the key with high confidence", "",
                      ", ".join(scores[kind].keys(hit=True, confidence="high")) or "none"]
    if "expert" in scores:
        lines += ["", "## To re-examine: the expert did not pick the key", "",
                  ", ".join(scores["expert"].keys(hit=False)) or "none"]
    lines.append("")
    return "\n".join(lines)
