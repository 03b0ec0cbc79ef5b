"""Stand-in of awsglue.utils: getResolvedOptions behaves like aws-glue-libs'
(argparse over argv[1:], reserved names, --job-bookmark-option handling,
GlueArgumentError for a missing required option) and records the names asked
for and the values resolved."""
import argparse

import _standin as S
from awsglue.job import Job

__all__ = ["getResolvedOptions", "GlueArgumentError"]

_global_args = {}


class GlueArgumentError(Exception):
    pass


class GlueArgumentParser(argparse.ArgumentParser):
    def error(self, msg):
        raise GlueArgumentError(msg)


def strip_option_prefix(option):
    return option.lstrip("-")


def _getResolvedOptions(args, options):
    parser = GlueArgumentParser()
    if Job.continuation_options()[0][2:] in options:
        raise RuntimeError("Using reserved arguments " + Job.continuation_options()[0][2:])
    if Job.job_bookmark_options()[0][2:] in options:
        raise RuntimeError("Using reserved arguments " + Job.job_bookmark_options()[0][2:])
    parser.add_argument(Job.job_bookmark_options()[0], choices=Job.job_bookmark_options()[1:],
                        required=False)
    parser.add_argument(Job.continuation_options()[0], choices=Job.continuation_options()[1:],
                        required=False)
    for option in Job.job_bookmark_range_options():
        if option[2:] in options:
            raise RuntimeError("Using reserved arguments " + option)
        parser.add_argument(option, required=False)
    for option in Job.id_params()[1:]:
        if strip_option_prefix(option) in options:
            raise RuntimeError("Using reserved arguments " + option)
        parser.add_argument(option, required=False)
    if strip_option_prefix(Job.encryption_type_options()[0]) in options:
        raise RuntimeError("Using reserved arguments " + Job.encryption_type_options()[0])
    parser.add_argument(Job.encryption_type_options()[0],
                        choices=Job.encryption_type_options()[1:])
    options = [opt for opt in options if opt not in {"RedshiftTempDir", "TempDir"}]
    parser.add_argument("--RedshiftTempDir", required=False)
    parser.add_argument("--TempDir", required=False)
    for option in options:
        parser.add_argument("--" + option, required=True)
    parsed, extra = parser.parse_known_args(args[1:])
    parsed_dict = vars(parsed)
    if parsed_dict.get("TempDir") is not None:
        parsed_dict["RedshiftTempDir"] = parsed_dict["TempDir"]
    elif parsed_dict.get("RedshiftTempDir") is not None:
        parsed_dict["TempDir"] = parsed_dict["RedshiftTempDir"]
    bookmark_value = parsed_dict.pop("continuation_option", None)
    if parsed_dict.get("job_bookmark_option") is None:
        if bookmark_value is None:
            bookmark_value = Job.job_bookmark_options()[3]
        else:
            option_index = Job.continuation_options().index(bookmark_value)
            bookmark_value = Job.job_bookmark_options()[option_index]
        parsed_dict["job_bookmark_option"] = bookmark_value
    absent_range_option = []
    for option in Job.job_bookmark_range_options():
        key = option[2:].replace("-", "_")
        if key not in parsed_dict or parsed_dict[key] is None:
            absent_range_option.append(option)
    if parsed_dict["job_bookmark_option"] == "job-bookmark-pause":
        if len(absent_range_option) == 1:
            raise RuntimeError("Missing option or value for " + absent_range_option[0])
    else:
        if len(absent_range_option) == 0:
            raise RuntimeError("Invalid option(s)" + " ".join(Job.job_bookmark_range_options()))
    _global_args.update(parsed_dict)
    return parsed_dict


def getResolvedOptions(args, options):
    ok = isinstance(args, list) and isinstance(options, list) and \
        all(isinstance(o, str) for o in options)
    S.require(ok, "getResolvedOptions", "getResolvedOptions(args: list, options: list[str])")
    try:
        res = _getResolvedOptions(args, options)
    except (GlueArgumentError, RuntimeError) as e:
        S.event("getResolvedOptions", names=list(options), error=str(e))
        raise
    S.event("getResolvedOptions", names=list(options), result=res)
    return res
