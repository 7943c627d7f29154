"""The demo district: people, cohorts and answers for `groundwork demo seed`."""
