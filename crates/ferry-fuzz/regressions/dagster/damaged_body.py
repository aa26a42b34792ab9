""".
"""

from __ import i

from ds import (s)

from dagster import (
asset,
)

from t import (
 r)
from d import (
ta)
from c import (e)
@asset(
"ie",
ey="h")
def c4() ->et:
    " "

    t( "4")

    da(
h="4" )
def f4(
) -> D:
 def e( ) ->ol:()

def c4(s
) -> t:"""
 """