"""Stand-in of pyspark.errors.exceptions.base (PySpark 3.5)."""


class PySparkException(Exception):
    def __init__(self, message=None, error_class=None, message_parameters=None):
        if message is None and error_class is not None:
            message = "[%s] %s" % (error_class, message_parameters or "")
        self.message = message
        self.error_class = error_class
        self.message_parameters = message_parameters
        super().__init__(message)

    def getErrorClass(self):
        return self.error_class

    def getMessageParameters(self):
        return self.message_parameters

    def getSqlState(self):
        return None

    def __str__(self):
        return str(self.message)


class PySparkTypeError(PySparkException, TypeError):
    pass


class PySparkValueError(PySparkException, ValueError):
    pass


class PySparkAttributeError(PySparkException, AttributeError):
    pass


class PySparkRuntimeError(PySparkException, RuntimeError):
    pass


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    pass


class PySparkAssertionError(PySparkException, AssertionError):
    pass
