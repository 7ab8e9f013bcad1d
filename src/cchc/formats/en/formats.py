# The English interface keeps Vietnamese dates and numbers: the documents it shows are Vietnamese.
from cchc.formats.vi.formats import *  # noqa: F401,F403
