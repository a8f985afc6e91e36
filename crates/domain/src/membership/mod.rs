//! Membership, activities and volunteering (会员、活动、志愿服务): joining and
//! transferring membership, activity sign-up and volunteer hours. Empty until the
//! membership capability lands; it follows `docs/adding-a-capability.md`.
