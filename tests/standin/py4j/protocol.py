"""Minimal stand-in of py4j.protocol."""


class Py4JError(Exception):
    pass


class Py4JJavaError(Py4JError):
    def __init__(self, msg, java_exception=None):
        super().__init__(msg)
        self.errmsg = msg
        self.java_exception = java_exception
