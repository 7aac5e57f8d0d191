"""Server-rendered pages of the resources service: the public directory (and its
embeddable twin) and the staff pages that edit and import listings."""
