"""Pictures drawn for members (the stats PNG); the imaging library is imported only here."""
