"""The coaching-loop demo: four weeks of calls replayed through a real store."""
