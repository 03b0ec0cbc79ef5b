"""Stand-in of awsgluedq.transforms.EvaluateDataQuality.

apply() returns a DynamicFrame of rule outcomes; process_rows() returns a
DynamicFrameCollection with keys ruleOutcomes and rowLevelOutcomes. The
ruleset must pass the DQDL sanity checks (Glue refuses unparsable DQDL). The
outcome is driven by $STANDIN_DQ: pass -> every rule Passed; fail -> the first
rule Failed (and every row of rowLevelOutcomes Failed); rows -> each rule is
evaluated on the frame's rows (when the stand-in holds them) with the NULL
behaviour of the DQDL reference (_standin_dqdl.evaluate)."""
import datetime

import _standin as S
import _standin_dqdl as DQ
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.transforms import GlueTransform
from pyspark.sql.dataframe import DataFrame

__all__ = ["EvaluateDataQuality"]


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _rows(dyf):
    df = dyf._df
    return df._rows if df._rows is not None else None


def _verdicts(frame, ruleset, sources):
    """Each rule's outcome on the frame's rows; None when rows are not held."""
    rows = _rows(frame)
    refs = {k: _rows(v) for k, v in sources.items()}
    if rows is None or any(v is None for v in refs.values()):
        return None
    cols = dict(frame._df._cols)
    return [ok for _, ok in DQ.evaluate(ruleset, rows, cols, _now(),
                                        refs)]


def _evaluate(api, frame, ruleset, publishing_options, additional_options, extra,
              sources=None):
    sources = sources or {}
    S.require(isinstance(frame, DynamicFrame), api, "frame must be a DynamicFrame, got %s"
              % type(frame).__name__)
    S.require_type(ruleset, str, api, "ruleset")
    S.require_type(publishing_options, dict, api, "publishing_options")
    S.require_type(additional_options, dict, api, "additional_options")
    problems = DQ.check(ruleset)
    if problems:
        S.violation(api, "invalid DQDL: %s" % "; ".join(problems))
        S.event("dq", api=api, ruleset=ruleset, error=problems)
        from pyspark.errors import IllegalArgumentException
        raise IllegalArgumentException("Parsing Error: %s" % "; ".join(problems))
    rules = DQ.split_rules(ruleset)
    verdicts = _verdicts(frame, ruleset, sources) if S.DQ_OUTCOME == "rows" else None
    fail = S.DQ_OUTCOME == "fail" or (verdicts is not None and not all(verdicts))
    outcomes = []
    for i, r in enumerate(rules):
        failed = (not verdicts[i]) if verdicts is not None else fail and i == 0
        outcomes.append({"Rule": r, "Outcome": "Failed" if failed else "Passed",
                         "FailureReason": "Value did not meet the threshold (stand-in)"
                         if failed else None,
                         "EvaluatedMetrics": {}, "EvaluatedRule": r})
    S.event("dq", api=api, ruleset=ruleset, rules=rules, publishing_options=publishing_options,
            additional_options=additional_options, outcome="fail" if fail else "pass",
            rows=frame._df._count, **extra)
    cols = [("Rule", "string"), ("Outcome", "string"), ("FailureReason", "string"),
            ("EvaluatedMetrics", "map<string,double>"), ("EvaluatedRule", "string")]
    rule_df = DataFrame._new(frame._df._session, cols, len(outcomes), "ruleOutcomes",
                             rows=outcomes)
    return rule_df, fail, rules


class EvaluateDataQuality(GlueTransform):
    def __call__(self, frame, ruleset, publishing_options={}):
        rule_df, _, _ = _evaluate("EvaluateDataQuality.apply", frame, ruleset,
                                  publishing_options, {}, {})
        return DynamicFrame(rule_df, frame.glue_ctx, "ruleOutcomes")

    def process_rows(self, frame, ruleset, publishing_options={}, additional_options={},
                     additional_data_sources={}):
        S.require_type(additional_data_sources, dict, "EvaluateDataQuality.process_rows",
                       "additional_data_sources")
        rule_df, fail, rules = _evaluate(
            "EvaluateDataQuality.process_rows", frame, ruleset, publishing_options,
            additional_options, {"additional_data_sources": sorted(additional_data_sources)},
            additional_data_sources)
        src = frame._df
        rows = src._derive(cols=list(src._cols) + [
            ("DataQualityRulesPass", "array<string>"), ("DataQualityRulesFail", "array<string>"),
            ("DataQualityRulesSkip", "array<string>"),
            ("DataQualityEvaluationResult", "string")])
        rows._const = {"DataQualityEvaluationResult": "Failed" if fail else "Passed",
                       "DataQualityRulesPass": rules[1:] if fail else rules,
                       "DataQualityRulesFail": rules[:1] if fail else [],
                       "DataQualityRulesSkip": []}
        rows._origin = "rowLevelOutcomes"
        g = frame.glue_ctx
        return DynamicFrameCollection({
            "ruleOutcomes": DynamicFrame(rule_df, g, "ruleOutcomes"),
            "rowLevelOutcomes": DynamicFrame(rows, g, "rowLevelOutcomes")}, g)


S.strict(EvaluateDataQuality)
