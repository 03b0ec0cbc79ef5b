class SparkContext:
    _active = None

    @classmethod
    def getOrCreate(cls, conf=None):
        if cls._active is None:
            cls._active = cls()
        return cls._active
