# pipeline stable
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ['JOB_NAME', 'source_path', 'target_table'])
sc = SparkContext()
glue = GlueContext(sc)
spark = glue.spark_session

df = spark.read.parquet(args['source_path'])
df.writeTo(args['target_table']).append()
print('rows written', df.count())
