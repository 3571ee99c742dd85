// Registers the model's property keys with the database (db.createProperty is idempotent), so that a
// query reading a declared property no source has written yet (valid_to before any snapshot retired
// anything) plans without a "property key does not exist" warning.
UNWIND $names AS name
CALL db.createProperty(name)
