from coachloop.cli import main

raise SystemExit(main())
