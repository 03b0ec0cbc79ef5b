"""Stand-in of awsglue.job.Job: init/commit are recorded (bookmarks only
advance when commit() runs after init())."""
import _standin as S

__all__ = ["Job"]


class Job:
    @classmethod
    def continuation_options(cls):
        return ["--continuation-option", "continuation-enabled", "continuation-readonly",
                "continuation-ignore"]

    @classmethod
    def job_bookmark_options(cls):
        return ["--job-bookmark-option", "job-bookmark-enable", "job-bookmark-pause",
                "job-bookmark-disable"]

    @classmethod
    def job_bookmark_range_options(cls):
        return ["--job-bookmark-from", "--job-bookmark-to"]

    @classmethod
    def id_params(cls):
        return ["--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"]

    @classmethod
    def encryption_type_options(cls):
        return ["--encryption-type", "sse-s3"]

    def __init__(self, glue_context):
        from awsglue.context import GlueContext
        S.require_type(glue_context, GlueContext, "Job", "glue_context")
        self._glue_context = glue_context
        self._initialized = False

    def init(self, job_name, args={}):
        S.require_type(job_name, str, "Job.init", "job_name")
        S.require_type(args, dict, "Job.init", "args")
        self._initialized = True
        S.STATE.job_initialized = True
        S.event("job.init", job_name=job_name, args=args)

    def isInitialized(self):
        return self._initialized

    def commit(self):
        S.event("job.commit", initialized=self._initialized)
        S.require(self._initialized, "Job.commit", "Job.commit() before Job.init()",
                  RuntimeError)


S.strict(Job)
