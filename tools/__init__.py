"""Developer tooling that is not part of the running application (lint contracts)."""
