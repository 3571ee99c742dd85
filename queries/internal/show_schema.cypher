// Names of the constraints and indexes present, to compare with graph_model/model.yaml.
SHOW INDEXES YIELD name, type, state
RETURN name, type, state
