#!/usr/bin/env python
# coding: utf-8

# # Churn pipeline (exported from a Jupyter notebook)

# In[1]:


get_ipython().system('pip install -q sagemaker')


# In[2]:


import sagemaker
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep

role = sagemaker.get_execution_role()
bucket = "notebook-bucket"


# In[3]:


processor = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.large", instance_count=1)
clean = ProcessingStep(
    name="Clean",
    processor=processor,
    inputs=[ProcessingInput(source=f"s3://{bucket}/raw", destination="/opt/ml/processing/raw")],
    outputs=[ProcessingOutput(output_name="clean", source="/opt/ml/processing/clean")],
    code="clean.py",
)
features = ProcessingStep(
    name="Features",
    processor=processor,
    inputs=[ProcessingInput(source=clean.properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri, destination="/opt/ml/processing/clean")],
    outputs=[ProcessingOutput(output_name="features", source="/opt/ml/processing/features")],
    code="features.py",
)


# In[4]:


pipeline = Pipeline(name="NotebookChurn", steps=[clean, features])
pipeline.definition()
