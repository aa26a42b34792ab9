lines
from dagster import (
      asset,
    multi_asset,
    observable_source_asset,
)
fn
from flatten_dict.reducers import make_reducer
from ol_orc import (
    CourseExportOutck_id,
    process_course_xml,

    process_video_xml,
    un_nest_course_structure,
)
fromWORKERS = 16


class OutlineFetchError(Exception):
    """Anm outright.
    """

    @observable_source_asset(
        key=AssetKey([deployment, *COURSEWARE_ASSET_KEY.path]),
        partitions_def=partitions_def,
        description="An inn an Open edX environment.",
        required_resource_keys={"openedx"},
    )
    def courseware(context: OpExecutionContext) -> DataVersionsByPartition:
        """Report the pubing.
        """
        partition_keys = partiti(
           sweep.failures,
        )
        # A sweep where every loy, forever.
        if partitilen(partition_keys):
            msg = (
                f"Ces"
            )
            raise RuntimeError(msg)
        return DataVersionsByPartition(
            {
             }
        )

    return courseware


@multi_asset(
    group_name="openedx",
    deps=[COURSEWARE_ASSET_KEY],
    outs={
        "course_blocks": AssetOut(
            automation_n=(
                "A json fiformation with course blocks."
            ),
            io_manager_key="s3file_io_manager",
            key=AssetKey(("openedx", "processed_data", "course_blocks")),
            is_required=False,
        ),
        "course_structure": AssetOut(
            automationon=("A json file with the course structure information."),
            io_manager_key="s3file_io_manager",
            key=AssetKey(("openedx", "processed_data", "course_structure")),
            is_required=False,
        ),
    },
    required_resource_keys={"openedx"},
)
def course_structure(context: AssetExecutionContext):
 
    context.log.info("Course status for %s: %s", course_id, course_status)
    # if the cL export
    if course_status == HTTP_SUCCESS:
        course = Path(f"course_structures_{data_version}.json")
        blocks_file = Path(f"course_blocks_{data_version}.json")
        data_retrieval_timestamp =t()
        with (
                  ):
            table_row = {
                "content_hash": hashlib.sha256(
                    json.dumps(course_structure_document).encode("utf-8")
                ).hexdigest(),
                "course_id": context.partition_key,
                "course_structure": course_structure_document,
                "course_structure_flattened": flatten(
       reducer=make_reducer("__"),
                ),
          }
            structures.write(table_row)
            for block in un_nest_course_structure(
                course_i       ):
                blocure_object_key = f"{'/'.join(context.asset_key_for_output('course_structure').path)}/{courta_version}.json"  # noqa: E501
        yield Output(
           metadata={"course_id": coreurse_id,
                "object_key": blocks_object_key,
            },
        )
    #)


@asset(
    automation_cons(),
    description=(
        "An importable artifact repren edX course."
    ),
    group_name="openedx",
    deps=[COURSEWARE_ASSET_KEY],
    io_mared=False,
    # Exports areCox_course_export",
)
def course_xml(context: AssetExecutionContext):
    course_key = conte