//! SageMaker Pipelines front end (in progress): lowers `sagemaker.workflow` Python code
//! to the ferry IR. It must not depend on other front ends or on the back end.
