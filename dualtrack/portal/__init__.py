"""The command picture (指挥调度总览): the home page that gathers every capability through its services."""
