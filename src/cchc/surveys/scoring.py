"""Survey points for the PAR index and the satisfaction index (SIPAS), computed with pandas.

Scoring scheme (shown on the scores page, stored with every run):
  1. each answer to a question tied to PAR item i becomes a fraction f ∈ [0, 1]: the choice's score
     / 100 when the choices carry scores (e.g. A = 100, B = 60, C = 20, D = 0), otherwise linear on
     the numeric value, (v − min) / (max − min) (a Likert 1–5 answer: 1 → 0, 3 → 0,5, 5 → 1);
  2. a respondent's fraction for item i is the mean over the item's questions they answered;
  3. per assessed unit s and respondent group g: the mean M(s, i, g) over the group's respondents;
  4. points(s, i) = max_i × Σ_g w_g · M(s, i, g) / Σ_g w_g, over the groups with answers,
     rounded half-up to 0,00001 point (the precision of PAR points).
"""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.audit import audit_record
from cchc.org.access import require_perm
from cchc.org.models import Agency

from . import par
from .access import MANAGE
from .answers import FormSpec
from .models import Question, RespondentGroup, Response, ScoreRun, Survey
from .services import SCORES_WRITTEN

K = Question.Kind
POINT = Decimal("0.00001")  # the precision of PAR points (parindex.models.POINT_PLACES)


def fraction_maps(spec: FormSpec) -> dict[str, tuple[str, dict[str, float]]]:
    """question name → (PAR item code, {choice value: fraction})."""
    result = {}
    for q in spec.questions:
        if not q.par_item or q.kind not in (K.SELECT_ONE, K.LIKERT):
            continue
        choices = spec.lists.get(q.choice_key, [])
        if choices and all(c.score is not None for c in choices):
            mapping = {c.name: float(c.score) / 100 for c in choices}
        else:
            values = {c.name: float(c.name) for c in choices}
            low, high = min(values.values()), max(values.values())
            mapping = {k: (v - low) / (high - low) if high > low else 1.0 for k, v in values.items()}
        result[q.name] = (q.par_item, mapping)
    return result


def load_answers(survey: Survey, names: list[str]) -> pd.DataFrame:
    """One row per response: subject_id, group_id, service and the named answers."""
    rows = list(
        Response.objects.filter(survey=survey)
        .order_by("id")
        .values_list("subject_id", "group_id", "service", "answers")
    )
    if not rows:
        return pd.DataFrame(columns=["subject_id", "group_id", "service", *names])
    subjects, groups, services, answers = zip(*rows, strict=True)
    frame = pd.DataFrame.from_records(answers, columns=names)
    frame.insert(0, "service", services)
    frame.insert(0, "group_id", groups)
    frame.insert(0, "subject_id", subjects)
    return frame


def compute(survey: Survey, max_points: dict[str, Decimal] | None) -> dict:
    """The whole computation as plain data: parameters, intermediate averages and points."""
    spec = FormSpec.load(survey.questionnaire)
    maps = fraction_maps(spec)
    frame = load_answers(survey, list(maps))
    groups = {g.pk: g for g in RespondentGroup.objects.filter(survey=survey)}
    fractions = pd.DataFrame(
        {name: frame[name].map(mapping) for name, (_item, mapping) in maps.items()},
        index=frame.index,
        dtype=float,
    )
    item_codes = sorted({item for item, _m in maps.values()})
    per_item = pd.DataFrame(
        {
            item: fractions[[n for n, (i, _m) in maps.items() if i == item]].mean(axis=1, skipna=True)
            for item in item_codes
        },
        index=frame.index,
    )
    per_item["subject_id"] = frame["subject_id"].to_numpy()
    per_item["group_id"] = frame["group_id"].to_numpy()
    parameters = {
        "items": {
            code: {
                "questions": [n for n, (i, _m) in maps.items() if i == code],
                "max_points": str(max_points[code]) if max_points and code in max_points else None,
            }
            for code in item_codes
        },
        "fractions": {name: mapping for name, (_i, mapping) in maps.items()},
        "groups": {
            str(g.pk): {"code": g.code, "name": g.name, "weight": str(g.weight)} for g in groups.values()
        },
    }
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode())
    digest.update(pd.util.hash_pandas_object(per_item, index=False).to_numpy().tobytes())
    means = per_item.groupby(["subject_id", "group_id"])[item_codes].mean()
    counts = per_item.groupby(["subject_id", "group_id"])[item_codes].count()
    totals = per_item.groupby("subject_id").size()
    weights = pd.Series({pk: float(g.weight) for pk, g in groups.items()})
    subjects = {a.pk: a for a in Agency.objects.filter(pk__in=totals.index.tolist())}
    results = {}
    for subject_id, total in totals.items():
        item_results = {}
        sub_means, sub_counts = means.loc[subject_id], counts.loc[subject_id]
        for code in item_codes:
            present = sub_counts[code] > 0
            if not present.any():
                continue
            w = weights.reindex(sub_means.index[present]).fillna(0).to_numpy()
            m = sub_means[code][present].to_numpy()
            weighted = float(np.dot(w, m) / w.sum()) if w.sum() > 0 else float(m.mean())
            entry = {
                "groups": {
                    groups[g].code: {
                        "n": int(sub_counts[code][g]),
                        "mean": round(float(sub_means[code][g]), 6),
                    }
                    for g in sub_means.index[present]
                },
                "weighted": round(weighted, 6),
            }
            if max_points and code in max_points:
                entry["points"] = str(
                    (Decimal(max_points[code]) * Decimal(repr(weighted))).quantize(POINT, ROUND_HALF_UP)
                )
            item_results[code] = entry
        agency = subjects[subject_id]
        results[str(subject_id)] = {
            "code": agency.code,
            "name": agency.name,
            "n": int(total),
            "items": item_results,
        }
    return {
        "parameters": parameters,
        "results": results,
        "response_count": len(frame),
        "digest": digest.hexdigest(),
    }


def scores_compute(survey: Survey) -> ScoreRun:
    max_points = par.survey_item_maxima(survey.par_cycle_code) if survey.par_cycle_code else None
    data = compute(survey, max_points)
    return ScoreRun.objects.create(
        survey=survey,
        response_count=data["response_count"],
        inputs_digest=data["digest"],
        parameters=data["parameters"],
        results=data["results"],
    )


@transaction.atomic
def scores_write(*, actor, survey: Survey) -> ScoreRun:
    """Compute the points and write each assessed unit's survey points into the PAR cycle."""
    require_perm(actor, MANAGE, survey.agency)
    if not survey.par_cycle_code:
        raise ValidationError(_("The survey is not linked to a PAR index cycle."))
    if not par.available():
        raise ValidationError(_("The PAR index module is not available."))
    run = scores_compute(survey)
    cycle = par.cycle(survey.par_cycle_code)
    agencies = {str(a.pk): a for a in Agency.objects.filter(pk__in=[int(k) for k in run.results])}
    written, refused = 0, {}
    for subject_id, subject in run.results.items():
        for code, entry in subject["items"].items():
            if "points" not in entry:
                continue
            note = _("Survey “%(survey)s”, computation #%(run)s: %(n)s respondents") % {
                "survey": survey.name,
                "run": run.pk,
                "n": sum(g["n"] for g in entry["groups"].values()),
            }
            try:
                par.record_points(
                    actor=actor,
                    cycle=cycle,
                    subject=agencies[subject_id],
                    item_code=code,
                    points=Decimal(entry["points"]),
                    note=note,
                )
            except ValidationError as exc:
                refused[f"{subject['code']} {code}"] = " ".join(exc.messages)
            else:
                written += 1
    run.written_to_par = True
    run.parameters = run.parameters | {"written": written, "refused": refused}
    run.save(update_fields=["written_to_par", "parameters"])
    audit_record(
        SCORES_WRITTEN,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"run": run.pk, "written": written, "refused": refused, "digest": run.inputs_digest},
    )
    return run


# --- Satisfaction index (SIPAS) ----------------------------------------------------------------

ASPECTS = [a for a in Question.Aspect.values]


def satisfaction(survey: Survey, *, by_service: bool = False) -> pd.DataFrame:
    """Share satisfied per aspect, per assessed unit (and service): one row per unit[/service].

    An answer counts as satisfied when its numeric value reaches `survey.satisfied_from` (default
    4 on a 1–5 scale). A respondent's aspect is satisfied when the mean of their answers to that
    aspect's questions reaches it. "overall" is the overall question when the form has one, else
    the mean of the five aspect shares. Columns: n and, per aspect, the share (0–100) and its n.
    """
    spec = FormSpec.load(survey.questionnaire)
    by_aspect: dict[str, list[str]] = {}
    for q in spec.questions:
        if q.aspect and q.kind in (K.SELECT_ONE, K.LIKERT, K.INTEGER, K.DECIMAL):
            by_aspect.setdefault(q.aspect, []).append(q.name)
    names = [n for ns in by_aspect.values() for n in ns]
    frame = load_answers(survey, names)
    keys = ["subject_id", "service"] if by_service else ["subject_id"]
    numeric = frame[names].apply(pd.to_numeric, errors="coerce") if names else pd.DataFrame(index=frame.index)
    out = pd.DataFrame(index=frame.index)
    for aspect, qs in by_aspect.items():
        mean = numeric[qs].mean(axis=1, skipna=True)
        out[aspect] = np.where(mean.isna(), np.nan, (mean >= survey.satisfied_from).astype(float))
    for key in keys:
        out[key] = frame[key].to_numpy()
    grouped = out.groupby(keys)
    table = grouped.size().to_frame("n")
    for aspect in ASPECTS:
        if aspect in out.columns:
            table[aspect] = grouped[aspect].mean() * 100
            table[f"{aspect}_n"] = grouped[aspect].count()
    five = [a for a in ASPECTS if a != Question.Aspect.OVERALL and a in table.columns]
    if Question.Aspect.OVERALL not in table.columns and five:
        table[Question.Aspect.OVERALL] = table[five].mean(axis=1)
        table[f"{Question.Aspect.OVERALL}_n"] = table["n"]
    return table.reset_index()


def suppress_small(table: pd.DataFrame, minimum: int | None = None) -> pd.DataFrame:
    """Blank every figure computed from fewer than CCHC_SURVEY_MIN_GROUP respondents."""
    minimum = settings.CCHC_SURVEY_MIN_GROUP if minimum is None else minimum
    table = table.copy()
    for aspect in ASPECTS:
        if aspect in table.columns:
            small = table[f"{aspect}_n"] < minimum
            table[aspect] = table[aspect].astype(object).where(~small, None)
    return table
