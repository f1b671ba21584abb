# The exercise library, plans, sessions and the rest of the therapy live here (see docs/).
