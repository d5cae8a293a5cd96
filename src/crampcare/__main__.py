from crampcare.cli import main

raise SystemExit(main())
